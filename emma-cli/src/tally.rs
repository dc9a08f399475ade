//! Counts of deliveries per event kind, and the table and JSON summary made from them.

use emma_events::{Event, EventKind};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

/// At most this many distinct unknown event names are counted by name; the others are
/// counted together, so that memory stays flat whatever the input.
const UNKNOWN_NAMES_KEPT: usize = 32;

/// Valid and invalid deliveries of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Deliveries that parsed.
    pub valid: u64,
    /// Deliveries that did not.
    pub invalid: u64,
}

/// What was read: counts per event kind, for unknown events and for unreadable deliveries.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Per known kind, in [`EventKind::ALL`] order.
    known: Vec<Counts>,
    /// Deliveries of events the schema does not know.
    unknown: Counts,
    /// Valid deliveries of unknown events, per name (the first [`UNKNOWN_NAMES_KEPT`] names).
    unknown_names: Vec<(String, u64)>,
    /// Invalid deliveries whose `event_name` could not be read.
    unnamed_invalid: u64,
}

impl Tally {
    /// Nothing counted yet.
    pub fn new() -> Self {
        Tally {
            known: vec![Counts::default(); EventKind::ALL.len()],
            ..Tally::default()
        }
    }

    /// Counts a valid delivery.
    pub fn valid(&mut self, event: &Event) {
        match event.kind() {
            Some(kind) => self.known[index(kind)].valid += 1,
            None => {
                self.unknown.valid += 1;
                let name = event.name();
                if let Some((_, count)) = self
                    .unknown_names
                    .iter_mut()
                    .find(|(known, _)| known == name)
                {
                    *count += 1;
                } else if self.unknown_names.len() < UNKNOWN_NAMES_KEPT {
                    self.unknown_names.push((name.to_owned(), 1));
                }
            }
        }
    }

    /// Counts an invalid delivery, by the `event_name` it had if any.
    pub fn invalid(&mut self, event_name: Option<&str>) {
        match event_name {
            Some(name) => match name.parse::<EventKind>() {
                Ok(kind) => self.known[index(kind)].invalid += 1,
                Err(_) => self.unknown.invalid += 1,
            },
            None => self.unnamed_invalid += 1,
        }
    }

    /// Every delivery counted.
    pub fn total(&self) -> Counts {
        let mut total = Counts {
            valid: self.unknown.valid,
            invalid: self.unknown.invalid + self.unnamed_invalid,
        };
        for counts in &self.known {
            total.valid += counts.valid;
            total.invalid += counts.invalid;
        }
        total
    }

    /// The counts of a known kind.
    #[cfg(test)]
    pub fn of(&self, kind: EventKind) -> Counts {
        self.known[index(kind)]
    }

    /// A table of the kinds seen, the unknown events, the unreadable deliveries and the total.
    pub fn table(&self) -> String {
        let mut rows: Vec<(String, Counts)> = EventKind::ALL
            .iter()
            .zip(&self.known)
            .filter(|(_, counts)| **counts != Counts::default())
            .map(|(kind, counts)| (kind.as_str().to_owned(), *counts))
            .collect();
        if self.unknown != Counts::default() {
            let mut names: Vec<String> = self
                .unknown_names
                .iter()
                .map(|(name, count)| format!("{name} {count}"))
                .collect();
            if self.unknown_names.len() == UNKNOWN_NAMES_KEPT {
                names.push("…".into());
            }
            let label = if names.is_empty() {
                "unknown events".to_owned()
            } else {
                format!("unknown events ({})", names.join(", "))
            };
            rows.push((label, self.unknown));
        }
        if self.unnamed_invalid > 0 {
            rows.push((
                "no readable event_name".into(),
                Counts {
                    valid: 0,
                    invalid: self.unnamed_invalid,
                },
            ));
        }
        let total = self.total();
        let width = rows
            .iter()
            .map(|(label, _)| label.chars().count())
            .max()
            .unwrap_or(0)
            .max(5);
        let number_width = total
            .valid
            .max(total.invalid)
            .max(10_000_000)
            .to_string()
            .len();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<width$}  {:>number_width$}  {:>number_width$}",
            "event", "valid", "invalid"
        );
        for (label, counts) in rows.iter().chain([&("total".to_owned(), total)]) {
            let _ = writeln!(
                out,
                "{label:<width$}  {:>number_width$}  {:>number_width$}",
                counts.valid, counts.invalid
            );
        }
        out
    }

    /// The counts as JSON: `{"deliveries", "valid", "invalid", "events": {NAME: {"valid",
    /// "invalid"}}, "unknown": {"valid", "invalid", "names": {NAME: COUNT}}, "unreadable"}`.
    pub fn to_json(&self) -> Value {
        let total = self.total();
        let events: Map<String, Value> = EventKind::ALL
            .iter()
            .zip(&self.known)
            .map(|(kind, counts)| (kind.as_str().to_owned(), counts_json(*counts)))
            .collect();
        let names: Map<String, Value> = self
            .unknown_names
            .iter()
            .map(|(name, count)| (name.clone(), json!(count)))
            .collect();
        json!({
            "deliveries": total.valid + total.invalid,
            "valid": total.valid,
            "invalid": total.invalid,
            "events": events,
            "unknown": { "valid": self.unknown.valid, "invalid": self.unknown.invalid, "names": names },
            "unreadable": self.unnamed_invalid,
        })
    }
}

fn counts_json(counts: Counts) -> Value {
    json!({ "valid": counts.valid, "invalid": counts.invalid })
}

/// The position of a kind in [`EventKind::ALL`].
fn index(kind: EventKind) -> usize {
    EventKind::ALL
        .iter()
        .position(|known| *known == kind)
        .expect("ALL lists every kind")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(text: &str) -> Event {
        Event::from_slice(text.as_bytes()).unwrap()
    }

    #[test]
    fn deliveries_are_counted_per_kind_unknown_and_unreadable() {
        let mut tally = Tally::new();
        let update = event(
            r#"{"event_name": "member_update", "data": {"member_id": 2, "account_id": 1, "timestamp": "t"}}"#,
        );
        let unknown = event(r#"{"event_name": "no_schema_declares_this", "data": {}}"#);
        tally.valid(&update);
        tally.valid(&update);
        tally.valid(&unknown);
        tally.invalid(Some("member_update"));
        tally.invalid(Some("no_schema_declares_this"));
        tally.invalid(None);
        let kind: EventKind = "member_update".parse().unwrap();
        assert_eq!(
            tally.of(kind),
            Counts {
                valid: 2,
                invalid: 1
            }
        );
        assert_eq!(
            tally.total(),
            Counts {
                valid: 3,
                invalid: 3
            }
        );
        let table = tally.table();
        assert!(table.contains("member_update"), "{table}");
        assert!(
            table.contains("unknown events (no_schema_declares_this 1)"),
            "{table}"
        );
        assert!(table.contains("no readable event_name"), "{table}");
        assert!(!table.contains("member_signup"), "{table}");
        let json = tally.to_json();
        assert_eq!(json["deliveries"], 6);
        assert_eq!(json["events"]["member_update"]["invalid"], 1);
        assert_eq!(json["unknown"]["names"]["no_schema_declares_this"], 1);
        assert_eq!(json["unreadable"], 1);
    }

    #[test]
    fn unknown_names_kept_are_bounded() {
        let mut tally = Tally::new();
        for n in 0..100 {
            tally.valid(&event(&format!(
                r#"{{"event_name": "custom_{n}", "data": {{}}}}"#
            )));
        }
        assert_eq!(tally.unknown_names.len(), UNKNOWN_NAMES_KEPT);
        assert_eq!(tally.total().valid, 100);
        assert!(tally.table().contains('…'));
    }
}

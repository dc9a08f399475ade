//! The benchmark's corpus: deliveries of Emma's events shaped like real captures, built from
//! the schema's example deliveries through the generated API ([`EventKind::ALL`],
//! [`EventKind::examples`]), never by reading the TOML.
//!
//! What is varied, and how:
//! - every event in equal measure (the same number of deliveries each), taking its examples in
//!   turn, the whole corpus shuffled with a fixed seed;
//! - every integer in `data` (and every run of digits in a URL such as `resource_url`)
//!   replaced by a pseudo-random one of the same number of digits, so no two deliveries repeat
//!   (timestamps and other strings are kept as in the example);
//! - a top-level `resource_url` (`https://api.e2ma.net/<account>/<collection>/<id>`) beside
//!   `event_name` and `data`, as in real captures, in every delivery by default
//!   ([`Options::resource_url_share`]; an example that has one keeps its own);
//! - [`Options::big_share`] of the deliveries (5% by default) carrying a selection of
//!   [`Options::big_len`] member IDs (200 by default) in `member_ids`; only the three events
//!   with a `member_ids` selection can carry one, so about a third of their deliveries do;
//! - each delivery written compactly (no whitespace) in two key orders: [`KeyOrder::NameFirst`]
//!   (`event_name`, `resource_url`, `data`, as captured) and [`KeyOrder::DataFirst`] (the
//!   reverse). The keys inside `data` keep the example's order.
//!
//! The order of keys is kept by a small JSON tree of its own, so the corpus does not
//! depend on whether serde_json's `preserve_order` feature is on.

use emma_events::EventKind;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt::{self, Write as _};

/// The order of the top-level keys of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrder {
    /// `event_name`, then `resource_url`, then `data` (the order of real captures).
    NameFirst,
    /// `data`, then `resource_url`, then `event_name`.
    DataFirst,
}

impl KeyOrder {
    /// Both orders, name first.
    pub const ALL: [KeyOrder; 2] = [KeyOrder::NameFirst, KeyOrder::DataFirst];

    /// How the order is called in reports.
    pub fn label(self) -> &'static str {
        match self {
            KeyOrder::NameFirst => "event_name first",
            KeyOrder::DataFirst => "data first",
        }
    }
}

/// How the corpus is made.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Deliveries of each event.
    pub per_event: usize,
    /// The share of all deliveries that carry a long `member_ids` selection.
    pub big_share: f64,
    /// How many IDs a long selection holds.
    pub big_len: usize,
    /// The share of deliveries given a top-level `resource_url` (all of them by default).
    pub resource_url_share: f64,
    /// The seed of the pseudo-random IDs and of the shuffle.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            per_event: 100,
            big_share: 0.05,
            big_len: 200,
            resource_url_share: 1.0,
            seed: 0x5EED_E44A,
        }
    }
}

/// The corpus, in both key orders: `name_first[i]` and `data_first[i]` are the same delivery.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// The deliveries with `event_name` first.
    pub name_first: Vec<Vec<u8>>,
    /// The same deliveries with `data` first.
    pub data_first: Vec<Vec<u8>>,
    /// How many deliveries carry a long selection.
    pub big_selections: usize,
}

impl Corpus {
    /// The deliveries in the given key order.
    pub fn deliveries(&self, order: KeyOrder) -> &[Vec<u8>] {
        match order {
            KeyOrder::NameFirst => &self.name_first,
            KeyOrder::DataFirst => &self.data_first,
        }
    }

    /// How many deliveries there are (in each order).
    pub fn len(&self) -> usize {
        self.name_first.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.name_first.is_empty()
    }

    /// The bytes of all deliveries in one order (both orders have the same).
    pub fn total_bytes(&self) -> usize {
        self.name_first.iter().map(Vec::len).sum()
    }

    /// The mean size of a delivery, in bytes.
    pub fn mean_size(&self) -> f64 {
        self.total_bytes() as f64 / self.len().max(1) as f64
    }
}

/// Builds the corpus.
///
/// # Panics
///
/// If an example of the schema is not a JSON object with an object in `data` (the schema's
/// loader checks that it is).
pub fn build(options: &Options) -> Corpus {
    let mut rng = Rng::new(options.seed);
    let kinds = EventKind::ALL;
    let total = kinds.len() * options.per_event;
    let with_member_ids: Vec<EventKind> = kinds
        .iter()
        .copied()
        .filter(|kind| {
            parse_example(kind.examples()[0])
                .data()
                .get("member_ids")
                .is_some()
        })
        .collect();
    let big_total = (total as f64 * options.big_share).round() as usize;
    let big_per_event = if with_member_ids.is_empty() {
        0
    } else {
        big_total.div_ceil(with_member_ids.len())
    };
    assert!(
        big_per_event <= options.per_event,
        "{big_total} long selections do not fit in {} deliveries of {} events",
        options.per_event,
        with_member_ids.len()
    );

    let mut deliveries = Vec::with_capacity(total);
    let mut big_selections = 0;
    let mut with_url = 0;
    for &kind in kinds {
        let examples = kind.examples();
        let can_be_big = with_member_ids.contains(&kind);
        for i in 0..options.per_event {
            let mut delivery = parse_example(examples[i % examples.len()]);
            delivery.vary(&mut rng);
            // Spread the long selections over each event's deliveries, up to the share.
            let big = can_be_big
                && big_selections < big_total
                && (i * big_per_event) / options.per_event
                    != ((i + 1) * big_per_event) / options.per_event;
            if big {
                let ids = (0..options.big_len)
                    .map(|_| Json::U64(rng.with_digits(10)))
                    .collect();
                delivery.data_mut().set("member_ids", Json::Array(ids));
                big_selections += 1;
            }
            if with_url < ((deliveries.len() + 1) as f64 * options.resource_url_share) as usize {
                delivery.add_resource_url();
                with_url += 1;
            }
            deliveries.push(delivery);
        }
    }
    rng.shuffle(&mut deliveries);

    Corpus {
        name_first: deliveries
            .iter()
            .map(|d| d.write(KeyOrder::NameFirst))
            .collect(),
        data_first: deliveries
            .iter()
            .map(|d| d.write(KeyOrder::DataFirst))
            .collect(),
        big_selections,
    }
}

fn parse_example(example: &str) -> Delivery {
    let Json::Object(envelope) = serde_json::from_str::<Json>(example).expect("an example is JSON")
    else {
        panic!("an example is an object: {example}");
    };
    let mut event_name = None;
    let mut data = None;
    let mut other = Vec::new();
    for (key, value) in envelope {
        match (key.as_str(), value) {
            ("event_name", Json::String(name)) => event_name = Some(name),
            ("data", data_value @ Json::Object(_)) => data = Some(data_value),
            (_, value) => other.push((key, value)),
        }
    }
    Delivery {
        event_name: event_name.expect("an example has an event_name"),
        data: data.expect("an example has an object in data"),
        other,
    }
}

/// One delivery, before it is written in either order.
#[derive(Debug, Clone)]
struct Delivery {
    event_name: String,
    data: Json,
    /// Top-level keys other than `event_name` and `data`, in order.
    other: Vec<(String, Json)>,
}

impl Delivery {
    fn data(&self) -> &Json {
        &self.data
    }

    fn data_mut(&mut self) -> &mut Json {
        &mut self.data
    }

    fn vary(&mut self, rng: &mut Rng) {
        self.data.vary(rng);
        for (_, value) in &mut self.other {
            value.vary(rng);
        }
    }

    /// Adds the top-level `resource_url` of real captures, unless the example has one.
    fn add_resource_url(&mut self) {
        if self.other.iter().any(|(key, _)| key == "resource_url") {
            return;
        }
        let account = match self.data.get("account_id") {
            Some(Json::U64(id)) => *id,
            _ => 0,
        };
        let (collection, id) = [
            ("member_id", "members"),
            ("group_id", "groups"),
            ("field_id", "fields"),
            ("import_id", "members/imports"),
            ("mailing_id", "mailings"),
        ]
        .iter()
        .find_map(|(key, collection)| match self.data.get(key) {
            Some(Json::U64(id)) => Some((*collection, id.to_string())),
            _ => None,
        })
        .unwrap_or(("members", String::new()));
        let url = format!("https://api.e2ma.net/{account}/{collection}/{id}");
        self.other
            .push(("resource_url".to_owned(), Json::String(url)));
    }

    fn write(&self, order: KeyOrder) -> Vec<u8> {
        let mut out = String::with_capacity(256);
        out.push('{');
        let name = ("event_name", Json::String(self.event_name.clone()));
        let data = ("data", self.data.clone());
        let mut entries: Vec<(&str, &Json)> = vec![(name.0, &name.1)];
        entries.extend(self.other.iter().map(|(key, value)| (key.as_str(), value)));
        entries.push((data.0, &data.1));
        if order == KeyOrder::DataFirst {
            entries.reverse();
        }
        for (i, (key, value)) in entries.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_string(&mut out, key);
            out.push(':');
            value.write(&mut out);
        }
        out.push('}');
        out.into_bytes()
    }
}

/// A JSON value that keeps the order of object keys, whatever serde_json's features.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Replaces the value of `key`, or appends it.
    fn set(&mut self, key: &str, value: Json) {
        if let Json::Object(entries) = self {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some((_, old)) => *old = value,
                None => entries.push((key.to_owned(), value)),
            }
        }
    }

    /// Gives every integer, and every run of digits in a URL's path, new digits (as many).
    fn vary(&mut self, rng: &mut Rng) {
        match self {
            Json::U64(n) => *n = rng.with_digits(n.to_string().len()),
            Json::String(text) if text.starts_with("https://") => {
                // The host is kept (`api.e2ma.net`); the digits of the path are varied.
                let host_end = text[8..].find('/').map_or(text.len(), |i| i + 8);
                let mut varied = String::with_capacity(text.len());
                varied.push_str(&text[..host_end]);
                let mut run = 0;
                for c in text[host_end..].chars().chain(std::iter::once('\0')) {
                    if c.is_ascii_digit() {
                        run += 1;
                        continue;
                    }
                    if run > 0 {
                        write!(varied, "{}", rng.with_digits(run)).expect("writing to a String");
                        run = 0;
                    }
                    if c != '\0' {
                        varied.push(c);
                    }
                }
                *text = varied;
            }
            Json::Array(items) => items.iter_mut().for_each(|item| item.vary(rng)),
            Json::Object(entries) => entries.iter_mut().for_each(|(_, value)| value.vary(rng)),
            Json::Null | Json::Bool(_) | Json::I64(_) | Json::F64(_) | Json::String(_) => {}
        }
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => write!(out, "{b}").expect("writing to a String"),
            Json::U64(n) => write!(out, "{n}").expect("writing to a String"),
            Json::I64(n) => write!(out, "{n}").expect("writing to a String"),
            Json::F64(n) => out.push_str(&serde_json::to_string(n).expect("a finite number")),
            Json::String(s) => write_string(out, s),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, key);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).expect("a string serializes"));
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct JsonVisitor;

        impl<'de> Visitor<'de> for JsonVisitor {
            type Value = Json;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
                Ok(Json::Bool(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
                Ok(Json::U64(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
                Ok(Json::I64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
                Ok(Json::F64(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
                Ok(Json::String(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Json>()? {
                    entries.push((key, value));
                }
                Ok(Json::Object(entries))
            }
        }

        deserializer.deserialize_any(JsonVisitor)
    }
}

/// xorshift64*: enough to vary IDs, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number of exactly `digits` decimal digits (at most 19).
    fn with_digits(&mut self, digits: usize) -> u64 {
        let digits = digits.clamp(1, 19) as u32;
        let low = if digits == 1 {
            0
        } else {
            10u64.pow(digits - 1)
        };
        let high = 10u64.pow(digits);
        low + self.next() % (high - low)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corpus_has_every_event_in_equal_measure_in_both_orders() {
        let options = Options::default();
        let corpus = build(&options);
        // The counts come from the generated API, never from Emma's schema as it is today.
        assert_eq!(corpus.len(), EventKind::ALL.len() * options.per_event);
        let big_share = corpus.len() as f64 * options.big_share;
        assert_eq!(corpus.big_selections, big_share.round() as usize);
        let big = corpus
            .name_first
            .iter()
            .filter(|d| {
                let delivery: serde_json::Value = serde_json::from_slice(d).unwrap();
                delivery["data"]["member_ids"]
                    .as_array()
                    .is_some_and(|ids| ids.len() == options.big_len)
            })
            .count();
        assert_eq!(
            big, corpus.big_selections,
            "the long selections are in the corpus"
        );
        for kind in EventKind::ALL.iter().copied() {
            let count = corpus
                .name_first
                .iter()
                .filter(|d| {
                    let text = std::str::from_utf8(d).unwrap();
                    text.starts_with(&format!("{{\"event_name\":\"{}\",", kind.as_str()))
                })
                .count();
            assert_eq!(count, options.per_event, "{}", kind.as_str());
        }
        let distinct: std::collections::HashSet<&Vec<u8>> = corpus.name_first.iter().collect();
        assert_eq!(distinct.len(), corpus.len(), "the IDs vary");
        for (name_first, data_first) in corpus.name_first.iter().zip(&corpus.data_first) {
            assert!(name_first.starts_with(b"{\"event_name\":"));
            assert!(data_first.starts_with(b"{\"data\":{"));
            assert_eq!(name_first.len(), data_first.len());
            let a: serde_json::Value = serde_json::from_slice(name_first).unwrap();
            let b: serde_json::Value = serde_json::from_slice(data_first).unwrap();
            assert_eq!(a, b);
            let url = a["resource_url"].as_str().unwrap();
            assert!(url.starts_with("https://api.e2ma.net/"), "{url}");
        }
    }
}

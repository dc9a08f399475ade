//! The catalogue of changes `diff` reports: one [`Rule`] per kind of change, each with a
//! stable id and its fixed effect on the three audiences.
//!
//! The effects are properties of the rule, not of the change: the comparison picks the rule
//! whose effects hold (a type change is classified as widened, narrowed, incompatible, ... by
//! comparing what the two types accept), so the table in `docs/schema-diff.md`, generated from
//! [`Rule::ALL`], says exactly what every reported change means.

use std::fmt;

/// What happens to deliveries crossing the change, in one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Wire {
    /// Every such delivery is still accepted (possibly as an unknown event, or with a key
    /// kept among the extra keys).
    Accepted,
    /// Some such deliveries are rejected with a parse error.
    Rejected,
    /// Whether some are rejected depends on what the schema does not say.
    Unknown,
}

/// What the change does to Rust code written against the API generated from the old schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RustApi {
    /// The generated API is unchanged (at most doc text or constant values differ).
    None,
    /// Only additions: code that compiled still compiles (a semver-minor release).
    Minor,
    /// Some code that compiled no longer does (a semver-major release).
    Major,
}

/// What the change does to types generated in other languages from the JSON Schema export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OtherLanguages {
    /// The generated types are unchanged.
    None,
    /// The generated types only gain members (a property, a union branch, a literal).
    Additive,
    /// A member is removed, renamed or changes type or presence: code reading it may break.
    Breaking,
    /// It depends on the generator (how it names or represents the changed definition).
    Unknown,
}

/// How a change is judged overall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Some audience breaks: deliveries are rejected, Rust code stops compiling, or other
    /// languages' types lose or change a member.
    Breaking,
    /// Nothing is known to break, but some effect depends on what the schema cannot tell.
    Unknown,
    /// No audience breaks.
    Compatible,
}

/// A rule's effect on each audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effects {
    /// Deliveries valid under the old schema, read by a receiver generated from the new one
    /// (deliveries in flight, retried or replayed when receivers upgrade).
    pub old_deliveries: Wire,
    /// Deliveries valid under the new schema, read by a receiver still generated from the old
    /// one (the provider changes what it sends before every receiver upgrades).
    pub new_deliveries: Wire,
    /// Rust code written against the old generated API.
    pub rust_api: RustApi,
    /// Types generated in other languages from the JSON Schema export.
    pub other_languages: OtherLanguages,
}

impl Effects {
    /// Breaking when any audience breaks; unknown when none does but one might; compatible
    /// otherwise.
    pub fn severity(&self) -> Severity {
        let wires = [self.old_deliveries, self.new_deliveries];
        if wires.contains(&Wire::Rejected)
            || self.rust_api == RustApi::Major
            || self.other_languages == OtherLanguages::Breaking
        {
            Severity::Breaking
        } else if wires.contains(&Wire::Unknown) || self.other_languages == OtherLanguages::Unknown
        {
            Severity::Unknown
        } else {
            Severity::Compatible
        }
    }
}

macro_rules! rules {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $id:literal {
            old: $old:ident, new: $new:ident, rust: $rust:ident, other: $other:ident,
            why: $why:literal $(,)?
        }
    )*) => {
        /// A kind of change between two schemas, with a stable id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Rule {
            /// Every rule, in the order the documentation lists them.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The stable id, as `--allow` takes it and the JSON output reports it.
            pub fn id(self) -> &'static str {
                match self { $( Rule::$variant => $id, )* }
            }

            /// What the change is, in a phrase.
            pub fn summary(self) -> &'static str {
                match self { $( Rule::$variant => concat!($($doc),*).trim_ascii(), )* }
            }

            /// Its effect on each audience.
            pub fn effects(self) -> Effects {
                match self {
                    $( Rule::$variant => Effects {
                        old_deliveries: Wire::$old,
                        new_deliveries: Wire::$new,
                        rust_api: RustApi::$rust,
                        other_languages: OtherLanguages::$other,
                    }, )*
                }
            }

            /// Why the effects are what they are, in a sentence or two.
            pub fn explanation(self) -> &'static str {
                match self { $( Rule::$variant => $why, )* }
            }
        }
    };
}

rules! {
    /// An event was added.
    EventAdded = "event-added" {
        old: Accepted, new: Accepted, rust: Major, other: Additive,
        why: "Receivers on the old schema read it as `Event::Unknown`. `Event` and `EventKind` are `#[non_exhaustive]` and `EventVisitor` has a default for the new method, but `ExhaustiveEventVisitor` and `ExhaustiveAsyncEventVisitor` gain a required method and `EventKind::ALL` a longer array type.",
    }
    /// An event was removed.
    EventRemoved = "event-removed" {
        old: Accepted, new: Accepted, rust: Major, other: Breaking,
        why: "Receivers on the new schema read its deliveries as `Event::Unknown`; its struct, `Event` and `EventKind` variants and visitor methods are gone.",
    }
    /// An event's Rust name (`rust_name`) changed; its wire name did not.
    EventRenamed = "event-renamed" {
        old: Accepted, new: Accepted, rust: Major, other: Breaking,
        why: "The struct, the `Event` and `EventKind` variants and the `visit_` methods are renamed; the JSON Schema definition `<Struct>Delivery` is renamed with them.",
    }
    /// An event's wire name changed; its Rust name did not.
    EventWireRenamed = "event-wire-renamed" {
        old: Accepted, new: Accepted, rust: None, other: Breaking,
        why: "Deliveries under the other name are read as `Event::Unknown` by both sides, so they reach no typed handler. The Rust names stay; the JSON Schema's `const` of the event name changes.",
    }
    /// A field was added that must be present and not `null`.
    FieldAddedRequired = "field-added-required" {
        old: Rejected, new: Accepted, rust: Major, other: Additive,
        why: "Deliveries without it are rejected; receivers on the old schema keep it among the extra keys. The struct gains a public field and `new` a parameter.",
    }
    /// A field was added that must be present but may be `null`.
    FieldAddedNullable = "field-added-nullable" {
        old: Rejected, new: Accepted, rust: Major, other: Additive,
        why: "Deliveries without the key are rejected. The struct gains a public `Option` field and `new` a parameter.",
    }
    /// A field was added that may be absent.
    FieldAddedOptional = "field-added-optional" {
        old: Accepted, new: Accepted, rust: Minor, other: Additive,
        why: "Receivers on the old schema keep it among the extra keys. The struct gains a public `Option` field; it is `#[non_exhaustive]`, so other crates build it with `new`, which keeps its parameters. Assumes old deliveries did not already send the key with another type.",
    }
    /// A field that had to be present was removed.
    FieldRemovedRequired = "field-removed-required" {
        old: Accepted, new: Rejected, rust: Major, other: Breaking,
        why: "Receivers on the new schema keep the key among the extra keys; receivers on the old schema reject deliveries without it. The struct loses a public field.",
    }
    /// A field that could be absent was removed.
    FieldRemovedOptional = "field-removed-optional" {
        old: Accepted, new: Accepted, rust: Major, other: Breaking,
        why: "Receivers on the new schema keep the key among the extra keys. The struct loses a public field.",
    }
    /// A field that had to be present may now be absent.
    FieldMadeOptional = "field-made-optional" {
        old: Accepted, new: Rejected, rust: Major, other: Breaking,
        why: "Receivers on the old schema reject deliveries without it. Its Rust type gains an `Option` and `new` loses a parameter.",
    }
    /// A field that could be absent must now be present.
    FieldMadeRequired = "field-made-required" {
        old: Rejected, new: Accepted, rust: Major, other: Additive,
        why: "Receivers on the new schema reject deliveries without it. Its Rust type loses an `Option` and `new` gains a parameter.",
    }
    /// A field may now be `null`.
    FieldMadeNullable = "field-made-nullable" {
        old: Accepted, new: Rejected, rust: Major, other: Breaking,
        why: "Receivers on the old schema reject `null`. Its Rust type gains an `Option`.",
    }
    /// A field may no longer be `null`.
    FieldMadeNonNullable = "field-made-non-nullable" {
        old: Rejected, new: Accepted, rust: Major, other: Additive,
        why: "Receivers on the new schema reject `null`. Its Rust type loses an `Option`.",
    }
    /// A field's Rust name (`rust_name`) changed; its wire name did not.
    FieldRustRenamed = "field-rust-renamed" {
        old: Accepted, new: Accepted, rust: Major, other: None,
        why: "Deliveries are read as before; the public Rust field is renamed.",
    }
    /// A field's wire name changed; its Rust name did not (a rename, or a removal and an addition).
    FieldWireRenamed = "field-wire-renamed" {
        old: Unknown, new: Unknown, rust: None, other: Breaking,
        why: "The schema cannot tell a rename from a removal and an addition: a delivery under the other key is rejected when the key it lacks is required, and otherwise read with the field absent and the value among the extra keys. Presence and type changes of the pair are reported separately.",
    }
    /// A field's Rust type gained or lost a `Box` (object types that contain each other).
    FieldBoxingChanged = "field-boxing-changed" {
        old: Accepted, new: Accepted, rust: Major, other: None,
        why: "Deliveries are read as before; the field's Rust type changes between `T` and `Box<T>` because the object types it reaches now do (or no longer) contain its owner.",
    }
    /// The required fields of a struct are in another order, so `new` takes its parameters in another order.
    FieldOrderChanged = "field-order-changed" {
        old: Accepted, new: Accepted, rust: Major, other: None,
        why: "`new` takes the required fields in schema order: calls stop compiling, or silently swap two arguments of the same type.",
    }
    /// A field's checks (`pattern`, `min_length`, `maximum`, ...) became stricter: every value
    /// they pass passed before.
    FieldChecksTightened = "field-checks-tightened" {
        old: Rejected, new: Accepted, rust: None, other: Breaking,
        why: "Receivers on the new schema reject the values only the old checks passed; the Rust type is the same.",
    }
    /// A field's checks became looser: every value they passed before still passes.
    FieldChecksLoosened = "field-checks-loosened" {
        old: Accepted, new: Rejected, rust: None, other: Breaking,
        why: "Receivers on the old schema reject the values only the new checks pass; the Rust type is the same.",
    }
    /// A field's checks changed both ways (another `pattern`, a range moved).
    FieldChecksChanged = "field-checks-changed" {
        old: Rejected, new: Rejected, rust: None, other: Breaking,
        why: "Each side rejects values the other's checks pass (patterns are compared as written); the Rust type is the same.",
    }
    /// A type changed to one that accepts every value it accepted, and more.
    TypeChangedWidened = "type-changed-widened" {
        old: Accepted, new: Rejected, rust: Major, other: Breaking,
        why: "Receivers on the old schema reject the values only the new type accepts. The Rust type changes.",
    }
    /// A type changed to one that accepts only some of the values it accepted.
    TypeChangedNarrowed = "type-changed-narrowed" {
        old: Rejected, new: Accepted, rust: Major, other: Breaking,
        why: "Receivers on the new schema reject the values only the old type accepted. The Rust type changes.",
    }
    /// A type changed to one that accepts other values (neither set contains the other).
    TypeChangedIncompatible = "type-changed-incompatible" {
        old: Rejected, new: Rejected, rust: Major, other: Breaking,
        why: "Each side rejects values the other accepts. The Rust type changes.",
    }
    /// A type changed to one that accepts exactly the same JSON values but is another Rust type.
    TypeChangedWireEquivalent = "type-changed-wire-equivalent" {
        old: Accepted, new: Accepted, rust: Major, other: Unknown,
        why: "Deliveries are read as before (`u64` and an ID over `u64`, `string` and a timestamp, an open enum). The Rust type changes; in other languages it depends on whether the generator names the definitions.",
    }
    /// A type changed between `string` and `url`: same values, same Rust type.
    TypeChangedAnnotation = "type-changed-annotation" {
        old: Accepted, new: Accepted, rust: None, other: Unknown,
        why: "`url` is not checked and is a `String` in Rust; the JSON Schema gains or loses `format: uri`, which some validators assert.",
    }
    /// A named type was added.
    TypeAdded = "type-added" {
        old: Accepted, new: Accepted, rust: Minor, other: Additive,
        why: "A new public item; the fields that use it are reported on their own.",
    }
    /// A named type was removed.
    TypeRemoved = "type-removed" {
        old: Accepted, new: Accepted, rust: Major, other: Breaking,
        why: "A public item is gone; the fields that used it are reported on their own.",
    }
    /// An open enum gained a value.
    EnumValueAddedOpen = "enum-value-added-open" {
        old: Accepted, new: Accepted, rust: Minor, other: None,
        why: "Both sides accept any string. The enum is `#[non_exhaustive]`, so every `match` in another crate already has a wildcard arm; but the value, once `Other(..)`, now reads as the new variant, so code that looked for it in `Other` must look for the variant.",
    }
    /// A timestamp type's `formats` changed.
    TimestampFormatsChanged = "timestamp-formats-changed" {
        old: Accepted, new: Accepted, rust: None, other: None,
        why: "Deliveries are read and kept as before (a timestamp is the text received); `to_datetime()` reads the text in the new forms, so a timestamp it read may now fail, or one it failed on may now read.",
    }
    /// A closed enum gained a value.
    EnumValueAddedClosed = "enum-value-added-closed" {
        old: Accepted, new: Rejected, rust: Major, other: Additive,
        why: "Receivers on the old schema reject the new value. The enum gains a variant (exhaustive `match`es break).",
    }
    /// An open enum lost a value.
    EnumValueRemovedOpen = "enum-value-removed-open" {
        old: Accepted, new: Accepted, rust: Major, other: None,
        why: "Receivers on the new schema read the value as `Other(..)`. The variant is gone.",
    }
    /// A closed enum lost a value.
    EnumValueRemovedClosed = "enum-value-removed-closed" {
        old: Rejected, new: Accepted, rust: Major, other: Breaking,
        why: "Receivers on the new schema reject the value. The variant is gone.",
    }
    /// An enum value's Rust variant name changed; its wire value did not.
    EnumVariantRenamed = "enum-variant-renamed" {
        old: Accepted, new: Accepted, rust: Major, other: None,
        why: "Deliveries are read as before; the variant is renamed.",
    }
    /// A closed enum became open (`open = true`).
    EnumOpened = "enum-opened" {
        old: Accepted, new: Rejected, rust: Major, other: Breaking,
        why: "Receivers on the old schema reject values outside the list. The enum gains `Other(Unlisted)` and loses `Copy`, `ALL` and `FromStr`.",
    }
    /// An open enum became closed (`open = false`).
    EnumClosed = "enum-closed" {
        old: Rejected, new: Accepted, rust: Major, other: Breaking,
        why: "Receivers on the new schema reject values outside the list, which parsed as `Other(..)` before. The enum loses `Other(Unlisted)` and `From<String>`.",
    }
    /// The envelope's layout changed between `adjacent` and `internal`.
    EnvelopeLayoutChanged = "envelope-layout-changed" {
        old: Rejected, new: Rejected, rust: None, other: Breaking,
        why: "Every delivery changes shape. The generated API is the same for both layouts (`Event::HEADER` and the inherent `Event::from_parts` exist under `header` only).",
    }
    /// The envelope's layout became `header`.
    EnvelopeLayoutToHeader = "envelope-layout-to-header" {
        old: Rejected, new: Rejected, rust: Minor, other: Breaking,
        why: "Every delivery changes shape. `Event::HEADER` and the inherent `Event::from_parts` are added.",
    }
    /// The envelope's layout was `header` and no longer is.
    EnvelopeLayoutFromHeader = "envelope-layout-from-header" {
        old: Rejected, new: Rejected, rust: Major, other: Breaking,
        why: "Every delivery changes shape. `Event::HEADER` and the inherent `Event::from_parts` are removed (`EventSet::from_parts` stays).",
    }
    /// The key holding the event's name (`tag`) changed.
    EnvelopeTagChanged = "envelope-tag-changed" {
        old: Rejected, new: Rejected, rust: None, other: Breaking,
        why: "Every delivery carries its name under another key.",
    }
    /// The key holding the event's fields (`content`) changed.
    EnvelopeContentChanged = "envelope-content-changed" {
        old: Rejected, new: Rejected, rust: None, other: Breaking,
        why: "Every delivery carries its fields under another key.",
    }
    /// The HTTP header holding the event's name (`header`) changed.
    EnvelopeHeaderChanged = "envelope-header-changed" {
        old: Rejected, new: Rejected, rust: None, other: None,
        why: "Every delivery carries its name in another header; `Event::HEADER` changes value. The JSON Schema describes bodies only (OpenAPI's header parameter changes).",
    }
    /// Only documentation changed: a doc, summary, description, title or example.
    DocsChanged = "docs-changed" {
        old: Accepted, new: Accepted, rust: None, other: None,
        why: "Rustdoc, `EventKind::summary()` and the like, and the exports' descriptions and examples change; nothing a compiler or a parser sees. Listed only with `--verbose`.",
    }
}

impl Rule {
    /// The rule with this id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| rule.id() == id)
    }

    /// The rule's overall severity.
    pub fn severity(self) -> Severity {
        self.effects().severity()
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Wire {
    /// `accepted`, `rejected` or `unknown`, as the JSON output writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Wire::Accepted => "accepted",
            Wire::Rejected => "rejected",
            Wire::Unknown => "unknown",
        }
    }
}

impl RustApi {
    /// `none`, `minor` or `major`, as the JSON output writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            RustApi::None => "none",
            RustApi::Minor => "minor",
            RustApi::Major => "major",
        }
    }
}

impl OtherLanguages {
    /// `none`, `additive`, `breaking` or `unknown`, as the JSON output writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            OtherLanguages::None => "none",
            OtherLanguages::Additive => "additive",
            OtherLanguages::Breaking => "breaking",
            OtherLanguages::Unknown => "unknown",
        }
    }
}

impl Severity {
    /// `breaking`, `unknown` or `compatible`, as the JSON output writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::Unknown => "unknown",
            Severity::Compatible => "compatible",
        }
    }
}

/// The Markdown table of every rule with its audiences and severity, as `docs/schema-diff.md`
/// holds it (a test compares the two).
pub fn markdown_table() -> String {
    let mut table = String::from(
        "| rule | change | old deliveries, new receivers | new deliveries, old receivers | Rust API | other languages | severity |\n\
         | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for rule in Rule::ALL {
        let effects = rule.effects();
        table.push_str(&format!(
            "| `{}` | {} {} | {} | {} | {} | {} | **{}** |\n",
            rule.id(),
            rule.summary(),
            rule.explanation().replace('|', "\\|"),
            effects.old_deliveries.as_str(),
            effects.new_deliveries.as_str(),
            effects.rust_api.as_str(),
            effects.other_languages.as_str(),
            rule.severity().as_str(),
        ));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ids_are_unique_kebab_case_and_found_again() {
        let mut seen = BTreeSet::new();
        for rule in Rule::ALL {
            let id = rule.id();
            assert!(seen.insert(id), "duplicate id {id}");
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id}"
            );
            assert_eq!(Rule::from_id(id), Some(*rule));
            assert!(!rule.summary().is_empty() && !rule.explanation().is_empty());
        }
        assert_eq!(Rule::from_id("no-such-rule"), None);
    }

    #[test]
    fn severity_is_the_worst_effect() {
        let compatible = Effects {
            old_deliveries: Wire::Accepted,
            new_deliveries: Wire::Accepted,
            rust_api: RustApi::Minor,
            other_languages: OtherLanguages::Additive,
        };
        assert_eq!(compatible.severity(), Severity::Compatible);
        let unknown = Effects {
            new_deliveries: Wire::Unknown,
            ..compatible
        };
        assert_eq!(unknown.severity(), Severity::Unknown);
        let breaking = [
            Effects {
                old_deliveries: Wire::Rejected,
                ..unknown
            },
            Effects {
                rust_api: RustApi::Major,
                ..compatible
            },
            Effects {
                other_languages: OtherLanguages::Breaking,
                ..unknown
            },
        ];
        for effects in breaking {
            assert_eq!(effects.severity(), Severity::Breaking, "{effects:?}");
        }
    }
}

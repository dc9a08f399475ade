//! The three places that define a valid delivery agree.
//!
//! Every example delivery of the schema, and systematic mutations of it, goes through three
//! judges: `Event::from_slice` (the generated parser), a JSON Schema 2020-12 validator (the
//! `jsonschema` crate) compiled from `emma_events::json_schema()` (the bundle), and
//! `emma_schema::delivery_problems` (the model's own check, the one the schema's examples pass
//! when the schema is read). Their verdicts must be the same for every document. Documents
//! whose `event_name` is a known event's are also judged by that event's standalone schema
//! (`EventKind::json_schema()`), which must agree too.
//!
//! Documents are built as JSON *text*, key by key, so that key order is controlled (`data`
//! before `event_name`) and numbers no `serde_json::Value` can hold (`u64::MAX + 1`) can be
//! written. The parser reads the text; the validator reads what `serde_json` makes of the same
//! text, as any user of a validator would.
//!
//! Known edge, deliberately not generated: integral numbers written with a fraction or an
//! exponent (`1.0`, `1e3`), and `-0`. JSON Schema's `integer` is a mathematical notion, so it accepts
//! them as IDs, while serde_json reads them as floats and the parser rejects them. Emma sends
//! IDs as plain integers. Nor are keys sent twice, which the parser rejects while a validator
//! only sees the value serde_json kept. `the_documented_edges_hold` pins these down.
//!
//! The provider fixtures under `tests/fixtures/providers/` (one per envelope layout) go through
//! the same three judges, with their own generated parsers and documents built by
//! `emma_codegen::json_schema` from `emma_schema::load`. Their mutations set each declared field
//! (of the event, of the envelope, and of objects nested in them, two levels down) to each value
//! of a palette that also holds the schema's enum values, drop each field, add unknown keys, move
//! the tag last or the content first, and break the tag and the content. Under the `header`
//! layout a document is a body: it is judged by `Event::from_parts` under each known name
//! against that event's schema, by the bundle (an `anyOf` of the known bodies) against "some
//! known name makes the parser accept it", and under an unknown name against the model's check
//! (which judges a body as an unknown event's). The same edges as Emma's are left out;
//! `the_documented_edges_hold_for_the_providers` pins them down.
//!
//! Run with `cargo test -p emma-tests --test differential -- --nocapture` to see the counts.

use emma_events::{Event, EventKind};
use jsonschema::Validator;
use serde_json::Value;

/// An event name no schema would declare (not a real-looking one such as `mailing_start`,
/// which the docs show how to add): the mutations' unknown event stays unknown.
const UNKNOWN_EVENT: &str = "no_schema_declares_this";

/// `u64::MAX + 1`, as text: a `serde_json::Value` cannot hold it exactly. serde_json (without
/// `arbitrary_precision`) reads it as the float 1.8446744073709552e19, which the schema's
/// `maximum` (u64::MAX) rejects; the parser sees the text and rejects it as out of range.
const U64_MAX_PLUS_ONE: &str = "18446744073709551616";

/// Values of every JSON type, put in place of each field in turn. IDs, selections, strings,
/// timestamps, URLs and the member status all meet values of each wrong type, and a few right
/// ones.
fn value_palette() -> Vec<(&'static str, String)> {
    let u64_max = u64::MAX.to_string();
    vec![
        ("string", r#""a string""#.into()),
        ("empty string", r#""""#.into()),
        ("numeric string", r#""123""#.into()),
        ("url string", r#""https://api.e2ma.net/1755030/x/1""#.into()),
        ("non-uri string", r#""not a uri at all""#.into()),
        ("\"all\"", r#""all""#.into()),
        ("\"some\"", r#""some""#.into()),
        ("\"ALL\"", r#""ALL""#.into()),
        ("zero", "0".into()),
        ("integer", "42".into()),
        ("u64::MAX", u64_max.clone()),
        ("u64::MAX + 1", U64_MAX_PLUS_ONE.into()),
        ("negative integer", "-1".into()),
        ("i64::MIN", i64::MIN.to_string()),
        ("float", "1.5".into()),
        ("negative float", "-0.5".into()),
        ("true", "true".into()),
        ("false", "false".into()),
        ("empty array", "[]".into()),
        ("array of integers", "[1, 2]".into()),
        ("array with u64::MAX", format!("[{u64_max}]")),
        ("array with u64::MAX + 1", format!("[{U64_MAX_PLUS_ONE}]")),
        ("array with negative integer", "[3, -1]".into()),
        ("array with float", "[1.5]".into()),
        ("array with string", r#"[1, "2"]"#.into()),
        ("array with null", "[null]".into()),
        ("array with \"all\"", r#"["all"]"#.into()),
        ("nested array", "[[1]]".into()),
        ("empty object", "{}".into()),
        ("object", r#"{"id": 1}"#.into()),
        ("null", "null".into()),
        // At and past the edges of sized integers and of the fixtures' checks.
        ("small integer", "7".into()),
        ("HTTP status", "200".into()),
        ("past an HTTP status", "600".into()),
        ("u16::MAX", "65535".into()),
        ("u16::MAX + 1", "65536".into()),
        ("i8::MIN - 1", "-129".into()),
        ("i32::MAX + 1", "2147483648".into()),
        ("fraction", "0.25".into()),
        ("three-letter string", r#""eur""#.into()),
        (
            "long string",
            r#""a string of more than twenty characters""#.into(),
        ),
        ("distinct strings", r#"["a", "b"]"#.into()),
        ("repeated strings", r#"["a", "b", "a"]"#.into()),
        ("four strings", r#"["a", "b", "c", "d"]"#.into()),
        ("escaped repeat", r#"["a", "\u0061"]"#.into()),
    ]
}

/// A JSON object written key by key, in the given order. Values are JSON text.
fn object_text(entries: &[(String, String)]) -> String {
    let members: Vec<String> = entries
        .iter()
        .map(|(key, value)| format!("{}: {value}", Value::String(key.clone())))
        .collect();
    format!("{{{}}}", members.join(", "))
}

fn text(value: &Value) -> String {
    serde_json::to_string(value).expect("a JSON value serializes")
}

/// A `{"event_name": ..., "data": ...}` delivery under construction, as JSON text parts.
#[derive(Clone)]
struct Delivery {
    /// `event_name`'s value as JSON text; `None` leaves the key out.
    event_name: Option<String>,
    /// `data`'s value as JSON text, or its entries when it is an object; `None` leaves it out.
    data: Option<Data>,
    /// Other top-level keys, in order.
    envelope: Vec<(String, String)>,
    /// Whether `data` is written before `event_name`.
    data_first: bool,
}

#[derive(Clone)]
enum Data {
    Object(Vec<(String, String)>),
    Raw(String),
}

impl Delivery {
    fn from_example(example: &Value) -> Self {
        let object = example.as_object().expect("an example is an object");
        let data = object["data"]
            .as_object()
            .expect("an example's data is an object")
            .iter()
            .map(|(key, value)| (key.clone(), text(value)))
            .collect();
        let envelope = object
            .iter()
            .filter(|(key, _)| *key != "event_name" && *key != "data")
            .map(|(key, value)| (key.clone(), text(value)))
            .collect();
        Delivery {
            event_name: Some(text(&object["event_name"])),
            data: Some(Data::Object(data)),
            envelope,
            data_first: false,
        }
    }

    fn to_text(&self) -> String {
        let name = self
            .event_name
            .as_ref()
            .map(|name| ("event_name".to_owned(), name.clone()));
        let data = self.data.as_ref().map(|data| {
            let value = match data {
                Data::Object(entries) => object_text(entries),
                Data::Raw(raw) => raw.clone(),
            };
            ("data".to_owned(), value)
        });
        let mut entries: Vec<(String, String)> = if self.data_first {
            data.into_iter().chain(name).collect()
        } else {
            name.into_iter().chain(data).collect()
        };
        entries.extend(self.envelope.iter().cloned());
        object_text(&entries)
    }

    fn data_entries(&mut self) -> &mut Vec<(String, String)> {
        match &mut self.data {
            Some(Data::Object(entries)) => entries,
            _ => unreachable!("only mutated while data is an object"),
        }
    }

    /// Sets a data key: in place when present, appended otherwise.
    fn set_data(mut self, key: &str, value: &str) -> Self {
        let entries = self.data_entries();
        match entries.iter_mut().find(|(name, _)| name == key) {
            Some(entry) => entry.1 = value.to_owned(),
            None => entries.push((key.to_owned(), value.to_owned())),
        }
        self
    }

    fn drop_data(mut self, key: &str) -> Self {
        self.data_entries().retain(|(name, _)| name != key);
        self
    }
}

/// One document to judge, and how it was made.
struct Case {
    label: String,
    text: String,
}

/// The declared fields of an event's data: (name, required), from its standalone schema.
fn declared_fields(kind: EventKind) -> Vec<(String, bool)> {
    let schema = kind.json_schema();
    let data_ref = schema["properties"]["data"]["$ref"]
        .as_str()
        .expect("data is a $ref");
    let def_name = data_ref
        .rsplit('/')
        .next()
        .expect("a $ref has a last segment");
    let data = &schema["$defs"][def_name];
    let required: Vec<&str> = data["required"]
        .as_array()
        .expect("required is an array")
        .iter()
        .map(|name| name.as_str().expect("required names are strings"))
        .collect();
    data["properties"]
        .as_object()
        .expect("properties is an object")
        .keys()
        .map(|name| (name.clone(), required.contains(&name.as_str())))
        .collect()
}

/// Every mutation of one example: data-level mutations (each also with `data` first),
/// top-level mutations, and the data under every other event's name.
fn mutations(kind: EventKind, index: usize, example: &Value) -> Vec<Case> {
    let base = Delivery::from_example(example);
    let tag = format!("{kind}#{index}");
    let mut data_level: Vec<(String, Delivery)> = vec![("as given".into(), base.clone())];

    for (field, required) in declared_fields(kind) {
        let requiredness = if required { "required" } else { "optional" };
        data_level.push((
            format!("drop {requiredness} `{field}`"),
            base.clone().drop_data(&field),
        ));
        for (what, value) in value_palette() {
            data_level.push((
                format!("`{field}` = {what}"),
                base.clone().set_data(&field, &value),
            ));
        }
    }
    for (what, value) in [
        ("string", r#""surprise""#),
        ("null", "null"),
        ("object", r#"{"nested": [1, {"deeper": true}]}"#),
        ("array", r#"[1, "two", null]"#),
        ("huge integer", U64_MAX_PLUS_ONE),
    ] {
        data_level.push((
            format!("unknown data key = {what}"),
            base.clone().set_data("not_in_the_schema", value),
        ));
    }
    data_level.push((
        "unknown data key named like the event".into(),
        base.clone().set_data("event_name", r#""member_signup""#),
    ));

    let mut cases = Vec::new();
    for (label, delivery) in &data_level {
        cases.push(Case {
            label: format!("{tag}: {label}"),
            text: delivery.to_text(),
        });
        let mut first = delivery.clone();
        first.data_first = true;
        cases.push(Case {
            label: format!("{tag}: {label}, data first"),
            text: first.to_text(),
        });
    }

    let mut top_level: Vec<(String, Delivery)> = Vec::new();
    for (what, value) in [
        ("string", r#""https://api.e2ma.net/1755030/members/1""#),
        ("null", "null"),
        ("object", r#"{"a": [1, 2]}"#),
        ("huge integer", U64_MAX_PLUS_ONE),
    ] {
        let mut delivery = base.clone();
        delivery
            .envelope
            .push(("not_in_the_schema".into(), value.into()));
        top_level.push((format!("unknown top-level key = {what}"), delivery));
    }
    for (what, data) in [
        ("null", "null"),
        ("array", "[]"),
        ("array of the data", "[{}]"),
        ("string", r#""data""#),
        ("integer", "1"),
        ("boolean", "true"),
        ("empty object", "{}"),
    ] {
        let mut delivery = base.clone();
        delivery.data = Some(Data::Raw(data.into()));
        top_level.push((format!("data = {what}"), delivery.clone()));
        delivery.data_first = true;
        top_level.push((format!("data = {what}, data first"), delivery));
    }
    let mut no_data = base.clone();
    no_data.data = None;
    top_level.push(("data missing".into(), no_data));
    let mut no_name = base.clone();
    no_name.event_name = None;
    top_level.push(("event_name missing".into(), no_name));
    let names: Vec<(&str, String)> = vec![
        ("unknown", text(&Value::String(UNKNOWN_EVENT.into()))),
        ("empty", r#""""#.into()),
        (
            "wrong case",
            text(&Value::String(kind.as_str().to_uppercase())),
        ),
        ("padded", text(&Value::String(format!(" {kind}")))),
        ("integer", "7".into()),
        ("float", "1.5".into()),
        ("boolean", "false".into()),
        ("null", "null".into()),
        ("array", text(&Value::Array(vec![kind.as_str().into()]))),
        ("object", r#"{"name": "member_signup"}"#.into()),
    ];
    for (what, name) in &names {
        let mut renamed = base.clone();
        renamed.event_name = Some(name.clone());
        top_level.push((format!("event_name = {what}"), renamed.clone()));
        // The same name with data that is not an object.
        let mut null_data = renamed.clone();
        null_data.data = Some(Data::Raw("null".into()));
        top_level.push((format!("event_name = {what}, data = null"), null_data));
        let mut array_data = renamed.clone();
        array_data.data = Some(Data::Raw("[1]".into()));
        top_level.push((format!("event_name = {what}, data = array"), array_data));
        let mut missing_data = renamed.clone();
        missing_data.data = None;
        top_level.push((format!("event_name = {what}, data missing"), missing_data));
        renamed.data_first = true;
        top_level.push((format!("event_name = {what}, data first"), renamed));
    }
    for other in EventKind::ALL.iter().copied() {
        if other != kind {
            let mut renamed = base.clone();
            renamed.event_name = Some(text(&Value::String(other.as_str().into())));
            top_level.push((format!("renamed to `{other}`"), renamed));
        }
    }
    for (label, delivery) in top_level {
        cases.push(Case {
            label: format!("{tag}: {label}"),
            text: delivery.to_text(),
        });
    }

    // The same document written differently: pretty, or with escapes in names and keys
    // (which the parser must unescape before it compares them).
    let original = text(example);
    let escaped_name = format!("\"{}\"", kind.as_str().replacen('_', "\\u005f", 1));
    let mut with_escaped_name = base.clone();
    with_escaped_name.event_name = Some(escaped_name);
    let escaped_keys = base
        .to_text()
        .replacen("\"event_name\":", "\"event\\u005fname\":", 1)
        .replacen("\"data\":", "\"d\\u0061ta\":", 1)
        .replacen("_id\":", "\\u005fid\":", 1);
    for (what, document) in [
        (
            "pretty-printed",
            serde_json::to_string_pretty(example).expect("a JSON value serializes"),
        ),
        ("event_name with an escape", with_escaped_name.to_text()),
        ("keys with escapes", escaped_keys),
    ] {
        cases.push(Case {
            label: format!("{tag}: {what}"),
            text: document,
        });
    }

    // Whole documents that are not a delivery object.
    for (what, document) in [
        ("wrapped in an array", format!("[{original}]")),
        ("as a JSON string", text(&Value::String(original.clone()))),
        ("null", "null".to_owned()),
        ("integer", "1".to_owned()),
        ("empty object", "{}".to_owned()),
        (
            "only data",
            format!("{{\"data\": {}}}", text(&example["data"])),
        ),
    ] {
        cases.push(Case {
            label: format!("{tag}: document {what}"),
            text: document,
        });
    }
    cases
}

/// What one judge said about a document.
struct Verdict {
    valid: bool,
    why: String,
}

fn parser_verdict(document: &str) -> Verdict {
    match Event::from_slice(document.as_bytes()) {
        Ok(event) => Verdict {
            valid: true,
            why: format!("parsed as `{}`", event.name()),
        },
        Err(error) => Verdict {
            valid: false,
            why: error.to_string(),
        },
    }
}

fn validator_verdict(validator: &Validator, instance: &Value) -> Verdict {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|error| format!("at `{}`: {error}", error.instance_path()))
        .collect();
    Verdict {
        valid: validator.is_valid(instance),
        why: if errors.is_empty() {
            "valid".into()
        } else {
            errors.join("; ")
        },
    }
}

fn model_verdict(model: &emma_schema::Schema, instance: &Value) -> Verdict {
    let problems = emma_schema::delivery_problems(model, instance);
    Verdict {
        valid: problems.is_empty(),
        why: if problems.is_empty() {
            "valid".into()
        } else {
            problems.join("; ")
        },
    }
}

/// The model emma-events was generated from.
fn model() -> emma_schema::Schema {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/events.toml");
    emma_schema::load(&path).unwrap_or_else(|error| panic!("{error}"))
}

fn compile(schema: &Value, what: &str) -> Validator {
    jsonschema::draft202012::new(schema)
        .unwrap_or_else(|error| panic!("{what} does not compile: {error}"))
}

#[test]
fn the_parser_and_the_json_schema_agree_on_every_example_and_mutation() {
    assert!(UNKNOWN_EVENT.parse::<EventKind>().is_err());
    let bundle = compile(&emma_events::json_schema(), "the bundle");
    let model = model();
    let standalone: Vec<(EventKind, Validator)> = EventKind::ALL
        .iter()
        .map(|kind| (*kind, compile(&kind.json_schema(), kind.as_str())))
        .collect();

    let examples = emma_tests::schema_examples();
    assert!(!examples.is_empty(), "the schema has examples");
    let mut cases = Vec::new();
    let mut seen_index = std::collections::HashMap::new();
    for (kind, example) in &examples {
        let index = seen_index.entry(*kind).or_insert(0);
        *index += 1;
        cases.extend(mutations(*kind, *index, example));
    }

    let mut tried = 0;
    let mut agreed = 0;
    let mut accepted = 0;
    let mut standalone_tried = 0;
    let mut standalone_agreed = 0;
    let mut model_agreed = 0;
    let mut disagreements = Vec::new();
    // `EMMA_DIFFERENTIAL_LOG=path` writes every document with both verdicts, for inspection.
    let log_path = std::env::var_os("EMMA_DIFFERENTIAL_LOG");
    let mut log = String::new();
    for case in &cases {
        let instance: Value = serde_json::from_str(&case.text).unwrap_or_else(|error| {
            panic!(
                "{}: generated text is not JSON ({error}): {}",
                case.label, case.text
            )
        });
        let parser = parser_verdict(&case.text);
        let schema = validator_verdict(&bundle, &instance);
        tried += 1;
        if log_path.is_some() {
            log.push_str(&format!(
                "{}\t{}\t{}\t{}\n",
                case.label,
                parser.valid,
                schema.valid,
                case.text.replace('\n', " ")
            ));
        }
        if parser.valid == schema.valid {
            agreed += 1;
            accepted += usize::from(parser.valid);
        } else {
            disagreements.push(report(
                &case.label,
                &case.text,
                "the bundle",
                &parser,
                &schema,
            ));
        }

        let checked = model_verdict(&model, &instance);
        if parser.valid == checked.valid {
            model_agreed += 1;
        } else {
            disagreements.push(report(
                &case.label,
                &case.text,
                "emma_schema::delivery_problems",
                &parser,
                &checked,
            ));
        }

        // A document naming a known event is also judged by that event's own schema.
        let named = instance
            .get("event_name")
            .and_then(Value::as_str)
            .and_then(|name| standalone.iter().find(|(kind, _)| kind.as_str() == name));
        if let Some((kind, validator)) = named {
            let own = validator_verdict(validator, &instance);
            standalone_tried += 1;
            if parser.valid == own.valid {
                standalone_agreed += 1;
            } else {
                let which = format!("the `{kind}` schema");
                disagreements.push(report(&case.label, &case.text, &which, &parser, &own));
            }
        }
    }

    if let Some(path) = &log_path {
        std::fs::write(path, &log).expect("the log is written");
    }
    eprintln!(
        "differential: {} examples; bundle: {tried} documents tried, {agreed} agreements \
         ({accepted} accepted by both, {} rejected by both); model check: {model_agreed} \
         agreements; standalone event schemas: {standalone_tried} documents tried, \
         {standalone_agreed} agreements",
        examples.len(),
        agreed - accepted,
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s) between the parser and another judge:\n\n{}",
        disagreements.len(),
        disagreements.join("\n\n")
    );
    // Both verdicts occur: the mutations are not all trivially valid or invalid.
    assert!(
        accepted > 0 && accepted < tried,
        "accepted {accepted} of {tried}"
    );
}

fn report(
    label: &str,
    document: &str,
    schema_name: &str,
    parser: &Verdict,
    schema: &Verdict,
) -> String {
    let word = |valid: bool| if valid { "ACCEPTS" } else { "REJECTS" };
    format!(
        "{label}\n  document: {document}\n  parser {}: {}\n  {schema_name} {}: {}",
        word(parser.valid),
        parser.why,
        word(schema.valid),
        schema.why
    )
}

/// The documents the comments above make claims about, judged on their own, so a change in
/// either judge that silently shifts these edges is noticed.
#[test]
fn the_documented_edges_hold() {
    let bundle = compile(&emma_events::json_schema(), "the bundle");
    let model = model();
    let with_id = |id: &str| {
        format!(
            r#"{{"event_name": "member_signup", "data": {{"account_id": {id}, "member_id": 1, "mailing_id": 2}}}}"#
        )
    };
    let judge = |document: &str| {
        let instance: Value = serde_json::from_str(document).expect("JSON");
        (
            parser_verdict(document).valid,
            bundle.is_valid(&instance),
            model_verdict(&model, &instance).valid,
        )
    };
    assert_eq!(judge(&with_id(&u64::MAX.to_string())), (true, true, true));
    assert_eq!(judge(&with_id(U64_MAX_PLUS_ONE)), (false, false, false));
    // serde_json reads u64::MAX + 1 as a float that the schema's maximum rejects.
    let read: Value = serde_json::from_str(U64_MAX_PLUS_ONE).unwrap();
    assert!(read.is_f64(), "{read}");
    // The known, deliberately untested edge: an integral float is an `integer` to JSON
    // Schema but a float to the parser and to the model's check.
    assert_eq!(judge(&with_id("1.0")), (false, true, false));
    assert_eq!(judge(&with_id("1e3")), (false, true, false));
    // Another edge outside what a `Value` can show: a key sent twice. The parser rejects it;
    // serde_json keeps the last value, so the validator and the model's check judge only that.
    let twice = r#"{"event_name": "member_signup", "event_name": "member_signup", "data": {"account_id": 1, "member_id": 1, "mailing_id": 2}}"#;
    assert_eq!(judge(twice), (false, true, true));
    // Negative zero is the same edge: serde_json reads `-0` as the float -0.0.
    assert_eq!(judge(&with_id("-0")), (false, true, false));
}

// ---------------------------------------------------------------------------------------------
// The provider fixtures: one schema per envelope layout.
// ---------------------------------------------------------------------------------------------

/// The parsers of the provider fixtures, generated as a user's crate would.
mod providers {
    pub mod billing {
        emma_runtime::include_events!("fixtures/providers/billing.toml");
    }
    pub mod code_host {
        emma_runtime::include_events!("fixtures/providers/code_host.toml");
    }
    pub mod chat {
        emma_runtime::include_events!("fixtures/providers/chat.toml");
    }
}

use emma_codegen::json_schema;
use emma_runtime::EventSet;
use emma_schema::{FieldDef, Layout, Schema, TypeKind, TypeRef};
use serde_json::json;

/// Stands for a value written as raw JSON text in a document built as a `Value`; replaced in
/// the text afterwards (it serializes as `"\u0001raw\u0001"`), so that numbers no `Value` can
/// hold can be put anywhere.
const RAW: &str = "\u{1}raw\u{1}";

/// An event name no fixture declares.
const UNKNOWN_NAME: &str = "no_such_event";

/// One provider fixture: its model, and its generated parser behind `parse`.
struct Provider {
    name: &'static str,
    model: Schema,
    /// Parses a document: a whole delivery, or under the `header` layout a body with the name
    /// given.
    parse: ParseFn,
    /// The generated `json_schema()`, which must be the bundle built here.
    embedded_bundle: fn() -> Value,
}

/// A generated parser: `(header name, document)` to a verdict.
type ParseFn = fn(Option<&str>, &str) -> Verdict;

fn parse_as<E: EventSet>(header: Option<&str>, document: &str) -> Verdict {
    let result = match header {
        Some(name) => E::from_parts(name, document.as_bytes()),
        None => E::from_slice(document.as_bytes()),
    };
    match result {
        Ok(event) => Verdict {
            valid: true,
            why: format!("parsed as `{}`", event.name()),
        },
        Err(error) => Verdict {
            valid: false,
            why: error.to_string(),
        },
    }
}

fn provider(name: &'static str) -> Provider {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/providers")
        .join(format!("{name}.toml"));
    let model = emma_schema::load(&path).unwrap_or_else(|error| panic!("{error}"));
    let (parse, embedded_bundle): (ParseFn, fn() -> Value) = match name {
        "billing" => (
            parse_as::<providers::billing::Event>,
            providers::billing::json_schema,
        ),
        "code_host" => (
            parse_as::<providers::code_host::Event>,
            providers::code_host::json_schema,
        ),
        "chat" => (
            parse_as::<providers::chat::Event>,
            providers::chat::json_schema,
        ),
        other => panic!("no provider fixture `{other}`"),
    };
    Provider {
        name,
        model,
        parse,
        embedded_bundle,
    }
}

/// One step of a path into a document.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn at_mut<'v>(value: &'v mut Value, path: &[Step]) -> &'v mut Value {
    path.iter().fold(value, |value, step| match step {
        Step::Key(key) => &mut value[key.as_str()],
        Step::Index(index) => &mut value[*index],
    })
}

fn path_label(path: &[Step]) -> String {
    let mut label = String::new();
    for step in path {
        match step {
            Step::Key(key) if label.is_empty() => label.push_str(key),
            Step::Key(key) => {
                label.push('.');
                label.push_str(key);
            }
            Step::Index(index) => label.push_str(&format!("[{index}]")),
        }
    }
    if label.is_empty() {
        "(top)".into()
    } else {
        label
    }
}

/// The document as text, with the `RAW` stand-in (if any) replaced by `raw`.
fn with_raw(document: &Value, raw: &str) -> String {
    text(document).replacen(&text(&Value::String(RAW.into())), raw, 1)
}

/// The object at `path` with `key` moved first (or last).
fn move_key(document: &Value, path: &[Step], key: &str, first: bool) -> Value {
    let mut document = document.clone();
    if let Some(object) = at_mut(&mut document, path).as_object_mut()
        && let Some(value) = object.shift_remove(key)
    {
        let mut moved = serde_json::Map::new();
        if first {
            moved.insert(key.to_owned(), value);
            moved.extend(std::mem::take(object));
        } else {
            moved.extend(std::mem::take(object));
            moved.insert(key.to_owned(), value);
        }
        *object = moved;
    }
    document
}

/// The values put in place of each field: the palette Emma's test uses, every enum value the
/// schema declares, and a few objects and arrays shaped like maps and lists of objects.
fn provider_palette(model: &Schema) -> Vec<(String, String)> {
    let mut palette: Vec<(String, String)> = value_palette()
        .into_iter()
        .map(|(what, value)| (what.to_owned(), value))
        .collect();
    for def in &model.types {
        if let TypeKind::Enum { values, .. } = &def.kind {
            for value in values {
                palette.push((
                    format!("{} `{}`", def.name, value.wire),
                    text(&Value::String(value.wire.clone())),
                ));
            }
        }
    }
    for (what, value) in [
        ("object of strings", r#"{"k": "v", "l": ""}"#),
        ("object with a number", r#"{"k": "v", "n": 1}"#),
        ("object with null", r#"{"k": null}"#),
        ("object with an object", r#"{"k": {"v": "w"}}"#),
        ("array of an empty object", "[{}]"),
        ("array of an object of strings", r#"[{"k": "v"}]"#),
        ("array of strings", r#"["a", "b"]"#),
        ("array of arrays of strings", r#"[["a"]]"#),
        ("array of floats", "[25.0, 7.5]"),
    ] {
        palette.push((what.to_owned(), value.to_owned()));
    }
    palette
}

/// An object of the document to mutate, and the fields the schema declares in it.
struct Target<'m> {
    path: Vec<Step>,
    fields: &'m [FieldDef],
}

/// How deep below the event's fields objects are still mutated: 2 reaches
/// `data.invoice.customer` and `data.invoice.lines[0]`, not `data.invoice.customer.address`.
const MAX_DEPTH: usize = 2;

/// The objects whose declared fields are mutated: the event's fields, the envelope fields, and
/// the fields of every object nested in them down to [`MAX_DEPTH`] levels (a field holding an
/// object, or the first item of a field holding a list of objects), where the example has one.
fn targets<'m>(
    model: &'m Schema,
    event: &'m emma_schema::EventDef,
    example: &Value,
) -> Vec<Target<'m>> {
    let event_fields = &event.fields;
    let data_path: Vec<Step> = match &model.envelope.layout {
        Layout::Adjacent { content, .. } => vec![Step::Key(content.clone())],
        Layout::Internal { .. } | Layout::Header { .. } => Vec::new(),
    };
    let mut found = Vec::new();
    if !model.envelope.fields.is_empty() {
        found.push(Target {
            path: Vec::new(),
            fields: &model.envelope.fields,
        });
    }
    match &event.data {
        None => nested_targets(model, event_fields, example, data_path, 0, &mut found),
        // A content of another shape: the objects inside it, when it holds any.
        Some(ty) => {
            let object_fields = |ty: &TypeRef| match ty {
                TypeRef::Named(name) => match model.named_type(name).map(|def| &def.kind) {
                    Some(TypeKind::Object { fields }) => Some(fields.as_slice()),
                    _ => None,
                },
                _ => None,
            };
            let mut probe = example.clone();
            let content = at_mut(&mut probe, &data_path).clone();
            if let Some(fields) = object_fields(ty)
                && content.is_object()
            {
                nested_targets(model, fields, example, data_path, 0, &mut found);
            } else if let TypeRef::List(item) = ty
                && let Some(fields) = object_fields(item)
                && content.get(0).is_some_and(Value::is_object)
            {
                let mut inner = data_path;
                inner.push(Step::Index(0));
                nested_targets(model, fields, example, inner, 0, &mut found);
            }
        }
    }
    found
}

fn nested_targets<'m>(
    model: &'m Schema,
    fields: &'m [FieldDef],
    example: &Value,
    path: Vec<Step>,
    depth: usize,
    found: &mut Vec<Target<'m>>,
) {
    let object_fields = |ty: &TypeRef| match ty {
        TypeRef::Named(name) => match model.named_type(name).map(|def| &def.kind) {
            Some(TypeKind::Object { fields }) => Some(fields.as_slice()),
            _ => None,
        },
        _ => None,
    };
    let mut probe = example.clone();
    let object = at_mut(&mut probe, &path).clone();
    found.push(Target {
        path: path.clone(),
        fields,
    });
    if depth == MAX_DEPTH {
        return;
    }
    for field in fields {
        let value = &object[field.name.as_str()];
        let mut inner = path.clone();
        inner.push(Step::Key(field.name.clone()));
        if let Some(fields) = object_fields(&field.ty)
            && value.is_object()
        {
            nested_targets(model, fields, example, inner, depth + 1, found);
        } else if let TypeRef::List(item) = &field.ty
            && let Some(fields) = object_fields(item)
            && value.get(0).is_some_and(Value::is_object)
        {
            inner.push(Step::Index(0));
            nested_targets(model, fields, example, inner, depth + 1, found);
        }
    }
}

/// A provider document to judge: a whole delivery, or (header layout) a body.
struct ProviderCase {
    label: String,
    text: String,
}

/// Every mutation of one example of `event` under the provider's layout.
fn provider_mutations(
    model: &Schema,
    event: &emma_schema::EventDef,
    index: usize,
    example: &Value,
) -> Vec<ProviderCase> {
    let layout = &model.envelope.layout;
    let tag_key = match layout {
        Layout::Adjacent { tag, .. } | Layout::Internal { tag } => Some(tag.as_str()),
        Layout::Header { .. } => None,
    };
    let content_key = match layout {
        Layout::Adjacent { content, .. } => Some(content.as_str()),
        _ => None,
    };
    let label = format!("{}#{index}", event.name);
    let palette = provider_palette(model);
    // (label, document with RAW perhaps standing for a value, the raw text)
    let mut field_level: Vec<(String, Value, String)> =
        vec![("as given".into(), example.clone(), String::new())];
    // A content of another shape is replaced whole, by a value of every kind.
    if let (Some(_), Some(content)) = (&event.data, content_key) {
        for (what, value) in &palette {
            let mut set = example.clone();
            set[content] = Value::String(RAW.into());
            field_level.push((format!("`{content}` = {what}"), set, value.clone()));
        }
    }
    for target in targets(model, event, example) {
        let at = path_label(&target.path);
        for field in target.fields {
            let requiredness = if field.required {
                "required"
            } else {
                "optional"
            };
            let mut dropped = example.clone();
            if let Some(object) = at_mut(&mut dropped, &target.path).as_object_mut() {
                object.shift_remove(&field.name);
            }
            field_level.push((
                format!("{at}: drop {requiredness} `{}`", field.name),
                dropped,
                String::new(),
            ));
            for (what, value) in &palette {
                let mut set = example.clone();
                at_mut(&mut set, &target.path)[field.name.as_str()] = Value::String(RAW.into());
                field_level.push((
                    format!("{at}: `{}` = {what}", field.name),
                    set,
                    value.clone(),
                ));
            }
        }
        for (what, value) in [
            ("string", r#""surprise""#),
            ("null", "null"),
            ("object", r#"{"nested": [1, {"deeper": true}]}"#),
            ("huge integer", U64_MAX_PLUS_ONE),
        ] {
            let mut set = example.clone();
            at_mut(&mut set, &target.path)["not_in_the_schema"] = Value::String(RAW.into());
            field_level.push((format!("{at}: unknown key = {what}"), set, value.into()));
        }
    }
    // A key named like the tag among the fields (adjacent: inside the content).
    if let (Some(tag), Some(content)) = (tag_key, content_key)
        && example[content].is_object()
    {
        let mut set = example.clone();
        set[content][tag] = Value::String(UNKNOWN_NAME.into());
        field_level.push((
            format!("`{content}.{tag}` = unknown name"),
            set,
            String::new(),
        ));
    }

    let mut cases = Vec::new();
    let mut push = |what: String, document: &Value, raw: &str| {
        cases.push(ProviderCase {
            label: format!("{label}: {what}"),
            text: with_raw(document, raw),
        });
    };
    for (what, document, raw) in &field_level {
        push(what.clone(), document, raw);
        // The awkward order: the content before the tag, or the tag after the fields.
        match (tag_key, content_key) {
            (Some(tag), Some(content)) => {
                push(
                    format!("{what}, {content} first"),
                    &move_key(document, &[], content, true),
                    raw,
                );
                push(
                    format!("{what}, {tag} last"),
                    &move_key(document, &[], tag, false),
                    raw,
                );
            }
            (Some(tag), None) => {
                push(
                    format!("{what}, {tag} last"),
                    &move_key(document, &[], tag, false),
                    raw,
                );
                push(
                    format!("{what}, {tag} first"),
                    &move_key(document, &[], tag, true),
                    raw,
                );
            }
            _ => {}
        }
    }

    // The top level.
    for (what, value) in [
        ("string", r#""https://example.invalid/1""#),
        ("null", "null"),
        ("object", r#"{"a": [1, 2]}"#),
        ("huge integer", U64_MAX_PLUS_ONE),
    ] {
        let mut set = example.clone();
        set["not_in_the_envelope"] = Value::String(RAW.into());
        push(format!("unknown top-level key = {what}"), &set, value);
    }
    if let Some(tag) = tag_key {
        let mut names: Vec<(String, String)> = vec![
            ("unknown".into(), text(&Value::String(UNKNOWN_NAME.into()))),
            ("empty".into(), r#""""#.into()),
            (
                "wrong case".into(),
                text(&Value::String(event.name.to_uppercase())),
            ),
            (
                "padded".into(),
                text(&Value::String(format!(" {}", event.name))),
            ),
            ("integer".into(), "7".into()),
            ("float".into(), "1.5".into()),
            ("boolean".into(), "false".into()),
            ("null".into(), "null".into()),
            ("array".into(), text(&json!([event.name]))),
            ("object".into(), text(&json!({ "name": event.name }))),
        ];
        for other in &model.events {
            if other.name != event.name {
                names.push((
                    format!("another event's, `{}`", other.name),
                    text(&Value::String(other.name.clone())),
                ));
            }
        }
        let mut missing = example.clone();
        missing.as_object_mut().unwrap().shift_remove(tag);
        push(format!("`{tag}` missing"), &missing, "");
        for (what, name) in &names {
            let mut renamed = example.clone();
            renamed[tag] = Value::String(RAW.into());
            push(format!("`{tag}` = {what}"), &renamed, name);
            push(
                format!("`{tag}` = {what}, last"),
                &move_key(&renamed, &[], tag, false),
                name,
            );
            if let Some(content) = content_key {
                for (data_what, data) in [("null", "null"), ("array", "[1]"), ("empty", "{}")] {
                    let document = with_raw(&renamed, name);
                    let mut value: Value = serde_json::from_str(&document).unwrap();
                    value[content] = serde_json::from_str(data).unwrap();
                    push(
                        format!("`{tag}` = {what}, `{content}` {data_what}"),
                        &value,
                        "",
                    );
                }
                let document: Value = serde_json::from_str(&with_raw(&renamed, name)).unwrap();
                let mut value = document.clone();
                value.as_object_mut().unwrap().shift_remove(content);
                push(format!("`{tag}` = {what}, `{content}` missing"), &value, "");
            }
            // An unknown event still needs the envelope fields, typed.
            for field in &model.envelope.fields {
                let document: Value = serde_json::from_str(&with_raw(&renamed, name)).unwrap();
                let mut value = document.clone();
                value.as_object_mut().unwrap().shift_remove(&field.name);
                push(
                    format!("`{tag}` = {what}, `{}` missing", field.name),
                    &value,
                    "",
                );
                for (value_what, raw) in [("integer", "1"), ("null", "null"), ("string", r#""s""#)]
                {
                    let mut value = document.clone();
                    value[field.name.as_str()] = Value::String(RAW.into());
                    push(
                        format!("`{tag}` = {what}, `{}` = {value_what}", field.name),
                        &value,
                        raw,
                    );
                }
            }
        }
    }
    if let Some(content) = content_key {
        for (what, data) in [
            ("null", "null"),
            ("array", "[]"),
            ("array of the data", "[{}]"),
            ("string", r#""data""#),
            ("integer", "1"),
            ("boolean", "true"),
            ("empty object", "{}"),
        ] {
            let mut set = example.clone();
            set[content] = Value::String(RAW.into());
            push(format!("`{content}` = {what}"), &set, data);
            push(
                format!("`{content}` = {what}, first"),
                &move_key(&set, &[], content, true),
                data,
            );
        }
        let mut missing = example.clone();
        missing.as_object_mut().unwrap().shift_remove(content);
        push(format!("`{content}` missing"), &missing, "");
    }

    // The same document written differently.
    let original = text(example);
    let mut escaped = original.replacen("_id\":", "\\u005fid\":", 1);
    if let Some(tag) = tag_key {
        escaped = escaped.replacen(
            &format!("\"{tag}\":"),
            &format!(
                "\"{}\\u{:04x}\":",
                &tag[..tag.len() - 1],
                tag.as_bytes()[tag.len() - 1]
            ),
            1,
        );
        let name = text(&Value::String(event.name.clone()));
        let escaped_name = format!("\"\\u{:04x}{}", event.name.as_bytes()[0], &name[2..]);
        cases.push(ProviderCase {
            label: format!("{label}: the name with an escape"),
            text: original
                .replacen(
                    &format!("{}: {name}", text(&Value::String(tag.into()))),
                    &format!("{}: {escaped_name}", text(&Value::String(tag.into()))),
                    1,
                )
                .replacen(
                    &format!("{}:{name}", text(&Value::String(tag.into()))),
                    &format!("{}:{escaped_name}", text(&Value::String(tag.into()))),
                    1,
                ),
        });
    }
    cases.push(ProviderCase {
        label: format!("{label}: keys with escapes"),
        text: escaped,
    });
    cases.push(ProviderCase {
        label: format!("{label}: pretty-printed"),
        text: serde_json::to_string_pretty(example).expect("a JSON value serializes"),
    });
    for (what, document) in [
        ("wrapped in an array", format!("[{original}]")),
        ("as a JSON string", text(&Value::String(original.clone()))),
        ("null", "null".to_owned()),
        ("integer", "1".to_owned()),
        ("empty object", "{}".to_owned()),
    ] {
        cases.push(ProviderCase {
            label: format!("{label}: document {what}"),
            text: document,
        });
    }
    cases
}

/// Counts of one provider's run.
#[derive(Default, Debug)]
struct Counts {
    documents: usize,
    bundle_agreed: usize,
    accepted: usize,
    model_agreed: usize,
    standalone_tried: usize,
    standalone_agreed: usize,
}

fn differential_for(name: &'static str) -> Counts {
    let provider = provider(name);
    let model = &provider.model;
    let bundle_document = json_schema::bundle(model);
    assert_eq!(
        (provider.embedded_bundle)(),
        bundle_document,
        "{name}: the generated json_schema() is the bundle built from the model"
    );
    let bundle = compile(&bundle_document, &format!("the {name} bundle"));
    let standalone: Vec<(&str, Validator)> = model
        .events
        .iter()
        .map(|event| {
            let schema = json_schema::event_schema(model, event);
            (event.name.as_str(), compile(&schema, &event.name))
        })
        .collect();
    let header = matches!(model.envelope.layout, Layout::Header { .. });
    let tag = match &model.envelope.layout {
        Layout::Adjacent { tag, .. } | Layout::Internal { tag } => Some(tag.as_str()),
        Layout::Header { .. } => None,
    };

    let mut cases = Vec::new();
    for event in &model.events {
        assert!(!event.examples.is_empty(), "{name} {}", event.name);
        for (index, example) in event.examples.iter().enumerate() {
            cases.extend(provider_mutations(model, event, index + 1, &example.value));
        }
    }

    let mut counts = Counts::default();
    let mut disagreements = Vec::new();
    // `EMMA_DIFFERENTIAL_LOG=path` also writes each provider's documents, with the parser's,
    // the bundle's and the model's verdicts, to `path.<provider>`.
    let log_path = std::env::var_os("EMMA_DIFFERENTIAL_LOG").map(|path| {
        let mut path = std::path::PathBuf::from(path).into_os_string();
        path.push(format!(".{}", provider.name));
        path
    });
    let mut log = String::new();
    for case in &cases {
        let instance: Value = serde_json::from_str(&case.text).unwrap_or_else(|error| {
            panic!(
                "{}: generated text is not JSON ({error}): {}",
                case.label, case.text
            )
        });
        counts.documents += 1;
        let schema = validator_verdict(&bundle, &instance);
        let checked = model_verdict(model, &instance);
        if log_path.is_some() {
            let parser = match tag {
                Some(_) => (provider.parse)(None, &case.text),
                None => (provider.parse)(Some(UNKNOWN_NAME), &case.text),
            };
            log.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\n",
                case.label,
                parser.valid,
                schema.valid,
                checked.valid,
                case.text.replace('\n', " ")
            ));
        }
        if header {
            // The body under each known name, judged by that event's schema.
            let mut any_known = None;
            for (event_name, validator) in &standalone {
                let parser = (provider.parse)(Some(event_name), &case.text);
                let own = validator_verdict(validator, &instance);
                counts.standalone_tried += 1;
                if parser.valid == own.valid {
                    counts.standalone_agreed += 1;
                } else {
                    let which = format!("the `{event_name}` schema (header `{event_name}`)");
                    disagreements.push(report(&case.label, &case.text, &which, &parser, &own));
                }
                if parser.valid && any_known.is_none() {
                    any_known = Some(parser);
                }
            }
            // The bundle: a valid body of some known event.
            let parser = any_known.unwrap_or_else(|| Verdict {
                valid: false,
                why: "no known event's name makes the parser accept the body".into(),
            });
            if parser.valid == schema.valid {
                counts.bundle_agreed += 1;
                counts.accepted += usize::from(parser.valid);
            } else {
                disagreements.push(report(
                    &case.label,
                    &case.text,
                    "the bundle (anyOf the known bodies)",
                    &parser,
                    &schema,
                ));
            }
            // The model's check judges a body as an unknown event's.
            let parser = (provider.parse)(Some(UNKNOWN_NAME), &case.text);
            if parser.valid == checked.valid {
                counts.model_agreed += 1;
            } else {
                disagreements.push(report(
                    &case.label,
                    &case.text,
                    "emma_schema::delivery_problems (header `no_such_event`)",
                    &parser,
                    &checked,
                ));
            }
        } else {
            let parser = (provider.parse)(None, &case.text);
            if parser.valid == schema.valid {
                counts.bundle_agreed += 1;
                counts.accepted += usize::from(parser.valid);
            } else {
                disagreements.push(report(
                    &case.label,
                    &case.text,
                    "the bundle",
                    &parser,
                    &schema,
                ));
            }
            if parser.valid == checked.valid {
                counts.model_agreed += 1;
            } else {
                disagreements.push(report(
                    &case.label,
                    &case.text,
                    "emma_schema::delivery_problems",
                    &parser,
                    &checked,
                ));
            }
            let named = tag
                .and_then(|tag| instance.get(tag))
                .and_then(Value::as_str)
                .and_then(|name| standalone.iter().find(|(event, _)| *event == name));
            if let Some((event_name, validator)) = named {
                let own = validator_verdict(validator, &instance);
                counts.standalone_tried += 1;
                if parser.valid == own.valid {
                    counts.standalone_agreed += 1;
                } else {
                    let which = format!("the `{event_name}` schema");
                    disagreements.push(report(&case.label, &case.text, &which, &parser, &own));
                }
            }
        }
    }
    if let Some(path) = &log_path {
        std::fs::write(path, &log).expect("the log is written");
    }
    eprintln!(
        "differential {name} ({} layout): {} examples; {} documents; bundle: {} agreements \
         ({} accepted by both, {} rejected by both); model check: {} agreements; standalone \
         event schemas: {} judgements, {} agreements; {} disagreements",
        match model.envelope.layout {
            Layout::Adjacent { .. } => "adjacent",
            Layout::Internal { .. } => "internal",
            Layout::Header { .. } => "header",
        },
        model
            .events
            .iter()
            .map(|event| event.examples.len())
            .sum::<usize>(),
        counts.documents,
        counts.bundle_agreed,
        counts.accepted,
        counts.bundle_agreed - counts.accepted,
        counts.model_agreed,
        counts.standalone_tried,
        counts.standalone_agreed,
        disagreements.len(),
    );
    assert!(
        disagreements.is_empty(),
        "{name}: {} disagreement(s) between the parser and another judge:\n\n{}",
        disagreements.len(),
        disagreements.join("\n\n")
    );
    assert!(
        counts.accepted > 0 && counts.accepted < counts.documents,
        "{name}: accepted {} of {}",
        counts.accepted,
        counts.documents
    );
    counts
}

#[test]
fn billing_adjacent_layout_parser_schema_and_model_agree() {
    differential_for("billing");
}

#[test]
fn code_host_header_layout_parser_schema_and_model_agree() {
    differential_for("code_host");
}

#[test]
fn chat_internal_layout_parser_schema_and_model_agree() {
    differential_for("chat");
}

/// The edges the provider mutations leave out, judged on their own: integral floats and keys
/// sent twice, under each layout.
#[test]
fn the_documented_edges_hold_for_the_providers() {
    let judge = |provider: &Provider, header: Option<&str>, document: &str| {
        let instance: Value = serde_json::from_str(document).expect("JSON");
        let schema = match header {
            Some(name) => {
                let event = provider.model.event(name).expect("a known event");
                compile(&json_schema::event_schema(&provider.model, event), name)
            }
            None => compile(&json_schema::bundle(&provider.model), provider.name),
        };
        (
            (provider.parse)(header, document).valid,
            schema.is_valid(&instance),
            model_verdict(&provider.model, &instance).valid,
        )
    };
    let billing = provider("billing");
    let line = |quantity: &str| {
        format!(
            r#"{{"type": "invoice.paid", "timestamp": "2026-11-03T20:26:10Z", "data": {{"paid_at": "t", "invoice": {{"id": "in_1", "customer": {{"id": "cus_1", "email": null, "metadata": {{}}}}, "status": "paid", "currency": "eur", "total": 1, "lines": [{{"description": "d", "amount": 1, "quantity": {quantity}}}], "metadata": {{}}}}}}}}"#
        )
    };
    assert_eq!(judge(&billing, None, &line("1")), (true, true, true));
    assert_eq!(judge(&billing, None, &line("1.0")), (false, true, false));
    assert_eq!(judge(&billing, None, &line("-0")), (false, true, false));
    let twice = r#"{"type": "invoice.voided", "type": "invoice.voided", "timestamp": "2026-11-03T20:26:10Z", "data": {"invoice_id": "in_1", "status": "void"}}"#;
    assert_eq!(judge(&billing, None, twice), (false, true, true));

    let chat = provider("chat");
    let twice = r#"{"type": "channel_created", "channel": {}, "event_ts": "1", "event_ts": "2"}"#;
    assert_eq!(judge(&chat, None, twice), (false, true, true));

    let code_host = provider("code_host");
    // The model's check judges a body as an unknown event's: any object.
    assert_eq!(
        judge(&code_host, Some("ping"), r#"{"zen": "z", "hook_id": 1.0}"#),
        (false, true, true)
    );
    assert_eq!(
        judge(
            &code_host,
            Some("ping"),
            r#"{"zen": "z", "zen": "y", "hook_id": 1}"#
        ),
        (false, true, true)
    );
}

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
//! Run with `cargo test -p emma-tests --test differential -- --nocapture` to see the counts.

use emma_events::{Event, EventKind};
use jsonschema::Validator;
use serde_json::Value;

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
        ("unknown", r#""mailing_start""#.into()),
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
    for other in EventKind::ALL {
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
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../emma-events/schema/events.toml");
    emma_schema::load(&path).unwrap_or_else(|error| panic!("{error}"))
}

fn compile(schema: &Value, what: &str) -> Validator {
    jsonschema::draft202012::new(schema)
        .unwrap_or_else(|error| panic!("{what} does not compile: {error}"))
}

#[test]
fn the_parser_and_the_json_schema_agree_on_every_example_and_mutation() {
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

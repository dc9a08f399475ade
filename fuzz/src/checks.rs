//! What each fuzz target does with its input, and what it asserts.
//!
//! This file is shared: the cargo-fuzz targets call it through `emma_fuzz::checks`, and
//! `tests/tests/fuzz_corpus.rs` includes it with `#[path]` to replay every committed input on
//! stable Rust. It depends only on emma-events, emma-schema, emma-codegen, emma-import, serde_json,
//! jsonschema, syn and quote, never on libFuzzer. Every failed property is a panic naming what broke.
//!
//! - [`delivery_parser`]: the input bytes are a delivery.
//! - [`delivery_structured`]: the input bytes pick one of the schema's examples and edit it
//!   ([`structured_input`]); the result is a delivery.
//! - [`schema_loader`]: the input is schema text ([`schema_text`]): either the bytes as text,
//!   or, when the first byte is `0xFF`, a real schema file edited by the rest of the bytes.
//! - [`generator`]: as [`schema_loader`], and every schema the loader accepts goes through the
//!   generator.
//! - [`importer`]: the input bytes, when JSON, are an OpenAPI document and a webhook's schema.

use emma_events::{Event, EventKind};
use emma_schema::{Schema, Span};
use serde_json::{Map, Value};

/// The real schema and the fixture schemas, which mutated inputs start from.
pub const SCHEMAS: [(&str, &str); 6] = [
    (
        "schema/events.toml",
        include_str!("../../schema/events.toml"),
    ),
    (
        "tests/fixtures/providers/billing.toml",
        include_str!("../../tests/fixtures/providers/billing.toml"),
    ),
    (
        "tests/fixtures/providers/code_host.toml",
        include_str!("../../tests/fixtures/providers/code_host.toml"),
    ),
    (
        "tests/fixtures/providers/chat.toml",
        include_str!("../../tests/fixtures/providers/chat.toml"),
    ),
    (
        "tests/fixtures/hygiene.toml",
        include_str!("../../tests/fixtures/hygiene.toml"),
    ),
    (
        "tests/build-script/parcel.toml",
        include_str!("../../tests/build-script/parcel.toml"),
    ),
];

/// The first byte of an input that edits one of [`SCHEMAS`] rather than being schema text
/// itself (`0xFF` never starts UTF-8 text).
pub const MUTATE_SCHEMA: u8 = 0xFF;

// ---------------------------------------------------------------------------------------------
// Deliveries
// ---------------------------------------------------------------------------------------------

/// Target `delivery_parser`: arbitrary bytes are a delivery.
pub fn delivery_parser(data: &[u8]) {
    check_delivery(data);
}

/// Target `delivery_structured`: the bytes edit one of the schema's examples.
pub fn delivery_structured(data: &[u8]) {
    check_delivery(&structured_input(data));
}

/// `Event::from_slice` never panics and agrees with the reader's reference path; an error has
/// a place and a message; an accepted delivery is JSON, serializes, and what it writes parses again to the same JSON (compared as text and
/// as a `serde_json::Value`), under the same event name and kind.
pub fn check_delivery(bytes: &[u8]) {
    let parsed = Event::from_slice(bytes);
    // The reader's fast path (text read once as UTF-8, a content before its tag read by a
    // scanned name) builds what the reference path builds, and fails where it fails.
    let reference = emma_events::runtime::__private::parse_delivery_reference::<Event>(bytes);
    match (&parsed, &reference) {
        (Ok(fast), Ok(slow)) => assert_eq!(fast, slow, "input: {}", String::from_utf8_lossy(bytes)),
        (Err(fast), Err(slow)) => assert_eq!(fast.to_string(), slow.to_string()),
        _ => panic!(
            "the fast path and the reference path disagree ({:?} vs {:?}) on {}",
            parsed.as_ref().map(Event::name),
            reference.as_ref().map(Event::name),
            String::from_utf8_lossy(bytes)
        ),
    }
    let event = match parsed {
        Err(error) => {
            assert!(
                error.line() >= 1 && error.column() >= 1,
                "a parse error without a place: {error}"
            );
            assert!(
                !error.message().is_empty(),
                "a parse error without a message"
            );
            let _ = error.to_string();
            return;
        }
        Ok(event) => event,
    };
    let input = String::from_utf8_lossy(bytes);
    // Whether the text is JSON, judged by serde_json without building a `Value`: with the
    // `raw_value` feature, `Value` gives the key `$serde_json::private::RawValue` a meaning of
    // its own and rejects valid JSON that holds it (a regression input found by this target).
    if let Err(error) = serde_json::from_slice::<Box<serde_json::value::RawValue>>(bytes) {
        panic!("the parser accepted a delivery that is not JSON ({error}): {input}");
    }
    let written = serde_json::to_vec(&event).unwrap_or_else(|error| {
        panic!("an accepted delivery does not serialize ({error}): {input}")
    });
    let written_text = String::from_utf8_lossy(&written).into_owned();
    let again = Event::from_slice(&written).unwrap_or_else(|error| {
        panic!("what an accepted delivery writes does not parse ({error})\ninput:   {input}\nwritten: {written_text}")
    });
    assert_eq!(again.name(), event.name(), "input: {input}");
    assert_eq!(again.kind(), event.kind(), "input: {input}");
    let rewritten = serde_json::to_vec(&again).expect("a parsed delivery serializes");
    serde_json::from_slice::<Box<serde_json::value::RawValue>>(&written)
        .expect("what was written is JSON");
    // As values too, where serde_json's `Value` can hold them (see above).
    if let (Ok(first), Ok(second)) = (
        serde_json::from_slice::<Value>(&written),
        serde_json::from_slice::<Value>(&rewritten),
    ) {
        assert_eq!(
            first, second,
            "a delivery read back writes another value\ninput: {input}"
        );
    }
    assert_eq!(
        written_text,
        String::from_utf8_lossy(&rewritten),
        "a delivery read back writes other text\ninput: {input}"
    );
}

/// Every example delivery of the schema, in schema order.
pub fn examples() -> Vec<&'static str> {
    EventKind::ALL
        .iter()
        .flat_map(|kind| kind.examples().iter().copied())
        .collect()
}

/// JSON texts (or near-JSON) worth putting in a delivery.
const INTERESTING: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "-0",
    "-1",
    "1.0",
    "1e3",
    "1e400",
    "-1e400",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "0.1",
    "5e-324",
    "\"\"",
    "\"all\"",
    "\"ALL\"",
    "\"a\"",
    "\"@D:2017-12-21T11:01:11\"",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\"\\ud83d\\ude00\"",
    "\"é\"",
    "\"member_signup\"",
    "\"unknown_event\"",
    "[]",
    "[1]",
    "[\"all\"]",
    "[1, \"all\"]",
    "{}",
    "{\"a\": 1}",
    "{\"a\": 1, \"a\": 2}",
    "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]",
    "{\"event_name\": \"member_signup\", \"data\": {}}",
];

/// Key names worth renaming a key to.
const NAMES: &[&str] = &[
    "event_name",
    "data",
    "extra",
    "account_id",
    "member_id",
    "mailing_id",
    "link_id",
    "import_id",
    "signup_form_id",
    "group_id",
    "field_id",
    "member_ids",
    "group_ids",
    "status",
    "timestamp",
    "resource_url",
    "",
    "type",
];

/// A step of a key path in a JSON document.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Reads the fuzzer's bytes; past the end it reads zeros.
struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Option<u8> {
        let (&first, rest) = self.data.split_first()?;
        self.data = rest;
        Some(first)
    }

    fn byte(&mut self) -> u8 {
        self.next().unwrap_or(0)
    }

    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }

    fn take(&mut self, len: usize) -> &'a [u8] {
        let (taken, rest) = self.data.split_at(len.min(self.data.len()));
        self.data = rest;
        taken
    }
}

/// Every path in `value`, in pre-order, the root (empty path) first.
fn paths(value: &Value) -> Vec<Vec<Step>> {
    fn walk(value: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        out.push(path.clone());
        match value {
            Value::Object(map) => {
                for (key, item) in map {
                    path.push(Step::Key(key.clone()));
                    walk(item, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    path.push(Step::Index(index));
                    walk(item, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

fn get_mut<'v>(mut value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    for step in path {
        value = match (step, value) {
            (Step::Key(key), Value::Object(map)) => map.get_mut(key)?,
            (Step::Index(index), Value::Array(items)) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    Some(value)
}

fn get<'v>(mut value: &'v Value, path: &[Step]) -> Option<&'v Value> {
    for step in path {
        value = match (step, value) {
            (Step::Key(key), Value::Object(map)) => map.get(key)?,
            (Step::Index(index), Value::Array(items)) => items.get(*index)?,
            _ => return None,
        };
    }
    Some(value)
}

fn pick<T>(items: &[T], byte: u8) -> Option<&T> {
    (!items.is_empty()).then(|| &items[usize::from(byte) % items.len()])
}

/// The object at a path chosen by `byte`, as its entries.
fn pick_object(doc: &mut Value, byte: u8) -> Option<&mut Map<String, Value>> {
    let objects: Vec<Vec<Step>> = paths(doc)
        .into_iter()
        .filter(|path| get(doc, path).is_some_and(Value::is_object))
        .collect();
    let path = pick(&objects, byte)?.clone();
    get_mut(doc, &path)?.as_object_mut()
}

/// Rebuilds a map from entries (a later duplicate key replaces an earlier one in place).
fn rebuild(map: &mut Map<String, Value>, entries: Vec<(String, Value)>) {
    map.clear();
    map.extend(entries);
}

/// The placeholder a raw text stands for until the document is written.
fn placeholder(index: usize) -> String {
    format!("__emma_fuzz_raw_{index}__")
}

/// Builds a delivery from the fuzzer's bytes: the first byte picks one of the schema's
/// [`examples`]; each following byte is an edit, with its arguments after it:
///
/// 0. replace a value with JSON text taken from the input (kept as raw text if it is not JSON);
/// 1. replace a value with an interesting JSON text (big and negative numbers, escapes, ...);
/// 2. reorder the keys of an object (reverse, rotate or swap);
/// 3. remove a key;
/// 4. rename a key (to a known name or to text from the input);
/// 5. send a key twice;
/// 6. copy a value (of this example or another one) over another value;
/// 7. write the document pretty-printed rather than compact.
///
/// Raw texts are written in place of a placeholder string when the document is written.
pub fn structured_input(data: &[u8]) -> Vec<u8> {
    let examples = examples();
    let mut input = Reader { data };
    let example = examples[usize::from(input.byte()) % examples.len()];
    let mut doc: Value = serde_json::from_str(example).expect("the schema's examples are JSON");
    let mut raws: Vec<Vec<u8>> = Vec::new();
    let mut pretty = false;
    let mut edits = 0;
    while let Some(op) = input.next() {
        edits += 1;
        if edits > 16 {
            break;
        }
        match op % 8 {
            0 | 1 => {
                let all = paths(&doc);
                let path = pick(&all, input.byte()).cloned().unwrap_or_default();
                let text: Vec<u8> = if op % 8 == 0 {
                    let len = usize::from(input.byte() % 64);
                    input.take(len).to_vec()
                } else {
                    pick(INTERESTING, input.byte())
                        .map(|text| text.as_bytes().to_vec())
                        .unwrap_or_default()
                };
                let Some(target) = get_mut(&mut doc, &path) else {
                    continue;
                };
                // JSON that a `Value` holds as written goes in as a value, so that later edits
                // can reach inside it; anything else stays raw text.
                match serde_json::from_slice::<Value>(&text) {
                    Ok(value) if serde_json::to_vec(&value).is_ok_and(|again| again == text) => {
                        *target = value;
                    }
                    _ => {
                        *target = Value::String(placeholder(raws.len()));
                        raws.push(text);
                    }
                }
            }
            2 => {
                let how = input.byte();
                let (first, second) = (input.byte(), input.byte());
                let Some(map) = pick_object(&mut doc, input.byte()) else {
                    continue;
                };
                let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
                let len = entries.len();
                if len > 1 {
                    match how % 3 {
                        0 => entries.reverse(),
                        1 => entries.rotate_left(usize::from(first) % len),
                        _ => entries.swap(usize::from(first) % len, usize::from(second) % len),
                    }
                }
                rebuild(map, entries);
            }
            3 => {
                let which = input.byte();
                let Some(map) = pick_object(&mut doc, input.byte()) else {
                    continue;
                };
                if let Some(key) = map
                    .keys()
                    .nth(usize::from(which) % map.len().max(1))
                    .cloned()
                {
                    map.shift_remove(&key);
                }
            }
            4 => {
                let which = input.byte();
                let how = input.byte();
                let name = if how & 1 == 0 {
                    pick(NAMES, how >> 1)
                        .copied()
                        .unwrap_or_default()
                        .to_owned()
                } else {
                    let len = usize::from(how >> 1) % 16;
                    String::from_utf8_lossy(input.take(len)).into_owned()
                };
                let Some(map) = pick_object(&mut doc, input.byte()) else {
                    continue;
                };
                let at = usize::from(which) % map.len().max(1);
                let entries = std::mem::take(map)
                    .into_iter()
                    .enumerate()
                    .map(|(index, (key, value))| {
                        if index == at {
                            (name.clone(), value)
                        } else {
                            (key, value)
                        }
                    })
                    .collect();
                rebuild(map, entries);
            }
            5 => {
                // A map cannot hold a key twice: the object is written as raw text.
                let which = input.byte();
                let all: Vec<Vec<Step>> = paths(&doc)
                    .into_iter()
                    .filter(|path| get(&doc, path).is_some_and(Value::is_object))
                    .collect();
                let Some(path) = pick(&all, input.byte()).cloned() else {
                    continue;
                };
                let Some(target) = get_mut(&mut doc, &path) else {
                    continue;
                };
                let Some(map) = target.as_object() else {
                    continue;
                };
                if map.is_empty() {
                    continue;
                }
                let at = usize::from(which) % map.len();
                let mut members: Vec<String> = Vec::new();
                for (index, (key, value)) in map.iter().enumerate() {
                    let member = format!(
                        "{}:{}",
                        serde_json::to_string(key).unwrap(),
                        serde_json::to_string(value).unwrap()
                    );
                    if index == at {
                        members.push(member.clone());
                    }
                    members.push(member);
                }
                let text = format!("{{{}}}", members.join(","));
                *target = Value::String(placeholder(raws.len()));
                raws.push(text.into_bytes());
            }
            6 => {
                let from_example = examples[usize::from(input.byte()) % examples.len()];
                let source: Value = if input.byte() & 1 == 0 {
                    doc.clone()
                } else {
                    serde_json::from_str(from_example).expect("the schema's examples are JSON")
                };
                let source_paths = paths(&source);
                let Some(from) = pick(&source_paths, input.byte()) else {
                    continue;
                };
                let value = get(&source, from).cloned().unwrap_or(Value::Null);
                let all = paths(&doc);
                let Some(to) = pick(&all, input.byte()).cloned() else {
                    continue;
                };
                if let Some(target) = get_mut(&mut doc, &to) {
                    *target = value;
                }
            }
            _ => pretty = !pretty,
        }
    }
    let mut bytes = if pretty {
        serde_json::to_vec_pretty(&doc)
    } else {
        serde_json::to_vec(&doc)
    }
    .expect("a Value serializes");
    // Raw texts, last first, so that a raw text holding a placeholder of an earlier one is
    // filled in too.
    for (index, raw) in raws.iter().enumerate().rev() {
        let quoted = format!("\"{}\"", placeholder(index));
        bytes = replace_all(&bytes, quoted.as_bytes(), raw);
    }
    bytes
}

fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = rest
        .windows(needle.len())
        .position(|window| window == needle)
    {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

// ---------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------

/// Target `schema_loader`: the input is schema text, or edits of a real schema.
pub fn schema_loader(data: &[u8]) {
    let text = schema_text(data);
    check_schema(&text);
}

/// Target `generator`: every schema the loader accepts generates a Rust file and a valid JSON
/// Schema.
pub fn generator(data: &[u8]) {
    let text = schema_text(data);
    if let Some(schema) = check_schema(&text) {
        check_generated(&schema, &text);
    }
}

/// Words of the schema format, inserted by edits of a real schema.
const TOML_WORDS: &[&str] = &[
    "\n[[events]]\n",
    "\n[types.X]\n",
    "\n[envelope]\n",
    "\n[schema]\n",
    "kind = ",
    "\"id\"",
    "\"enum\"",
    "\"object\"",
    "\"selection\"",
    "\"timestamp\"",
    "\"list<",
    "\"map<",
    "list<",
    "map<",
    ">",
    "\"json\"",
    "\"u64\"",
    "\"i64\"",
    "\"f64\"",
    "\"number\"",
    "\"u16\"",
    "\"i32\"",
    "\"u8\"",
    "pattern = '^a'",
    "pattern = '('",
    "min_length = 1",
    "max_length = 2",
    "minimum = 0",
    "maximum = 10.5",
    "min_items = 1",
    "max_items = 2",
    "unique_items = true",
    "rename_all = \"camelCase\"",
    "rename_all = \"kebab-case\"",
    "\"bool\"",
    "\"url\"",
    "\"string\"",
    "layout = ",
    "\"adjacent\"",
    "\"internal\"",
    "\"header\"",
    "tag = ",
    "content = ",
    "header = ",
    "repr = ",
    "open = false",
    "item = ",
    "values = [",
    "wire = ",
    "variant = ",
    "fields = [",
    "data = ",
    "{ name = \"a\", type = \"u64\", doc = \"d\" }",
    "required = false",
    "nullable = true",
    "rust_name = ",
    "type_name = ",
    "examples = [",
    "'{}'",
    "name = ",
    "doc = ",
    "summary = ",
    "description = ",
    "\"\"\"",
    "'''",
    "\\u00e9",
    "é",
    "\u{1F600}",
    "\"\"",
    ",",
    "]",
    "}",
    "{",
    "=",
    "#",
    "\n",
];

/// The schema text an input stands for: the input as text (invalid UTF-8 replaced), or, when
/// it starts with [`MUTATE_SCHEMA`], one of [`SCHEMAS`] (picked by the second byte) edited by
/// the rest of the bytes, each edit an operation byte and its arguments:
///
/// 0. overwrite a byte;
/// 1. insert a byte;
/// 2. delete up to 32 bytes;
/// 3. insert a word of the format;
/// 4. copy a range of the text to another place;
/// 5. cut the text short.
///
/// Offsets are two bytes scaled to the text's length. Edits that split a character give
/// replacement characters.
pub fn schema_text(data: &[u8]) -> String {
    if data.first() != Some(&MUTATE_SCHEMA) {
        return String::from_utf8_lossy(data).into_owned();
    }
    let mut input = Reader { data: &data[1..] };
    let base = SCHEMAS[usize::from(input.byte()) % SCHEMAS.len()].1;
    let mut text = base.as_bytes().to_vec();
    let mut edits = 0;
    while let Some(op) = input.next() {
        edits += 1;
        if edits > 32 {
            break;
        }
        let at = scaled(input.u16(), text.len());
        match op % 6 {
            0 => {
                let byte = input.byte();
                if at < text.len() {
                    text[at] = byte;
                }
            }
            1 => text.insert(at, input.byte()),
            2 => {
                let len = usize::from(input.byte() % 32) + 1;
                text.drain(at..(at + len).min(text.len()));
            }
            3 => {
                let word = TOML_WORDS[usize::from(input.byte()) % TOML_WORDS.len()];
                text.splice(at..at, word.bytes());
            }
            4 => {
                let len = usize::from(input.byte()) + 1;
                let to = scaled(input.u16(), text.len());
                let copied = text[at..(at + len).min(text.len())].to_vec();
                text.splice(to..to, copied);
            }
            _ => text.truncate(at),
        }
    }
    String::from_utf8_lossy(&text).into_owned()
}

/// `offset` (0..=65535) scaled to a position in `0..=len`.
fn scaled(offset: u16, len: usize) -> usize {
    (usize::from(offset) * (len + 1)) >> 16
}

fn assert_span_inside(span: Span, text: &str, what: &dyn Fn() -> String) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{} has span {}..{} outside the text ({} bytes)\n--- schema ---\n{text}",
        what(),
        span.start,
        span.end,
        text.len()
    );
}

/// `emma_codegen::parse` (emma-schema's reading, then the generated API's checks) never panics; every diagnostic's span lies inside the text, as do the
/// spans of what an accepted schema declares and of its warnings. Returns the schema when the
/// loader accepts it.
pub fn check_schema(text: &str) -> Option<Schema> {
    match emma_codegen::parse(text, "f.toml") {
        Err(error) => {
            assert!(
                !error.diagnostics.is_empty(),
                "a schema error without a diagnostic\n--- schema ---\n{text}"
            );
            for diagnostic in &error.diagnostics {
                if let Some(span) = diagnostic.span {
                    assert_span_inside(span, text, &|| {
                        format!("the diagnostic `{}`", diagnostic.message)
                    });
                }
            }
            // Rendering every diagnostic (line and column of each span) does not panic.
            let _ = error.to_string();
            None
        }
        Ok(schema) => {
            for def in &schema.types {
                assert_span_inside(def.span, text, &|| format!("type `{}`", def.name));
                if let emma_schema::TypeKind::Object { fields } = &def.kind {
                    for field in fields {
                        assert_span_inside(field.span, text, &|| {
                            format!("field `{}` of type `{}`", field.name, def.name)
                        });
                    }
                }
            }
            for event in &schema.events {
                assert_span_inside(event.span, text, &|| format!("event `{}`", event.name));
                for field in &event.fields {
                    assert_span_inside(field.span, text, &|| {
                        format!("field `{}` of event `{}`", field.name, event.name)
                    });
                }
            }
            for field in &schema.envelope.fields {
                assert_span_inside(field.span, text, &|| {
                    format!("envelope field `{}`", field.name)
                });
            }
            for warning in emma_codegen::api::Api::new(&schema).warnings() {
                if let Some(span) = warning.span {
                    assert_span_inside(span, text, &|| {
                        format!("the warning `{}`", warning.message)
                    });
                }
            }
            Some(schema)
        }
    }
}

/// An accepted schema generates Rust that `syn` parses as a file (`emma_codegen::format`), and
/// a JSON Schema bundle that is valid by the 2020-12 meta-schema and compiles.
pub fn check_generated(schema: &Schema, text: &str) {
    // What `emma_codegen::format` does, with the tree checked before it is printed: syn
    // accepts a file that rustc would reject for a name declared twice.
    let file = match emma_codegen::syntax_tree(schema, &emma_codegen::Options::default()) {
        Ok(file) => file,
        Err(error) => {
            panic!("an accepted schema generates no Rust file: {error}\n--- schema ---\n{text}")
        }
    };
    let api = emma_codegen::api::Api::new(schema);
    if let Some(difference) = first_difference_from_the_model(&file, &api) {
        panic!(
            "the Rust generated for an accepted schema is not what its model says: {difference}\n--- schema ---\n{text}"
        );
    }
    // Printing the tree (prettyplease) must not panic.
    std::hint::black_box(emma_codegen::print(&file, "f.toml"));
    let bundle = emma_codegen::json_schema::bundle(schema);
    if let Err(error) = jsonschema::draft202012::meta::validate(&bundle) {
        panic!(
            "the JSON Schema of an accepted schema is not a valid 2020-12 schema: {error} (at `{}`)\n--- schema ---\n{text}",
            error.instance_path()
        );
    }
    if let Err(error) = jsonschema::draft202012::new(&bundle) {
        panic!(
            "the JSON Schema of an accepted schema does not compile: {error}\n--- schema ---\n{text}"
        );
    }
}

/// The first way the generated `file` differs from the names `api`, the generator's model of
/// its output, says it has, or the first name the model gives twice where Rust wants it once.
///
/// Rust's rules are not restated here: the namespaces of root items are the model's
/// ([`emma_codegen::api::ItemKind::namespaces`]). Compared with the output: the root items in
/// order, the variants of `Event` and `EventKind`, the methods of `EventVisitor` and every
/// struct's fields.
pub fn first_difference_from_the_model(
    file: &syn::File,
    api: &emma_codegen::api::Api<'_>,
) -> Option<String> {
    use std::collections::HashSet;

    // The model names nothing twice.
    for namespace in [
        emma_codegen::api::Namespace::Type,
        emma_codegen::api::Namespace::Value,
    ] {
        let names = api
            .root_items
            .iter()
            .filter(|item| item.kind.namespaces().contains(&namespace))
            .map(|item| item.name.as_str());
        if let Some(name) = first_repeat(names, &mut HashSet::new()) {
            return Some(format!(
                "the model names `{name}` twice in the root's {namespace:?} namespace"
            ));
        }
    }
    if let Some(name) = first_repeat(api.event_variants(), &mut HashSet::new()) {
        return Some(format!(
            "the model names the variant `{name}` of `Event` twice"
        ));
    }
    if let Some(name) = first_repeat(api.visitor_methods(), &mut HashSet::new()) {
        return Some(format!("the model names the visitor method `{name}` twice"));
    }
    for item in &api.root_items {
        if let Some(fields) = api.struct_fields(&item.name)
            && let Some(name) = first_repeat(fields, &mut HashSet::new())
        {
            return Some(format!(
                "the model names the field `{name}` of `{}` twice",
                item.name
            ));
        }
    }
    for ty in &api.types {
        let variants = ty.variants.iter().map(|variant| variant.name.as_str());
        if let Some(name) = first_repeat(variants, &mut HashSet::new()) {
            return Some(format!(
                "the model names the variant `{name}` of `{}` twice",
                ty.def.name
            ));
        }
    }

    // The output has what the model names, no more and no less.
    let written = emma_codegen::root_names(file);
    let named: Vec<&str> = api.written_root_names().collect();
    if written != named {
        return Some(format!(
            "the root items are {written:?}, the model says {named:?}"
        ));
    }
    let private: &[syn::Item] = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == emma_codegen::api::PRIVATE_MODULE => {
                module.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .unwrap_or(&[]);
    let kinds: Vec<&str> = api
        .events
        .iter()
        .map(|event| event.struct_name.as_str())
        .collect();
    for item in file.items.iter().chain(private) {
        match item {
            syn::Item::Enum(item) => {
                let variants: Vec<String> = item
                    .variants
                    .iter()
                    .map(|variant| variant.ident.to_string())
                    .collect();
                let expected: Option<Vec<&str>> = match item.ident.to_string().as_str() {
                    "Event" => Some(api.event_variants().collect()),
                    "EventKind" => Some(kinds.clone()),
                    name => api.named_type(name).map(|ty| {
                        ty.variants
                            .iter()
                            .map(|variant| variant.name.as_str())
                            .collect()
                    }),
                };
                if let Some(expected) = expected
                    && variants != expected
                {
                    return Some(format!(
                        "enum `{}` has the variants {variants:?}, the model says {expected:?}",
                        item.ident
                    ));
                }
            }
            syn::Item::Struct(item) => {
                let fields: Vec<String> = item
                    .fields
                    .iter()
                    .filter_map(|field| field.ident.as_ref().map(ToString::to_string))
                    .collect();
                if let Some(expected) = api.struct_fields(&item.ident.to_string())
                    && fields != expected
                {
                    return Some(format!(
                        "struct `{}` has the fields {fields:?}, the model says {expected:?}",
                        item.ident
                    ));
                }
            }
            syn::Item::Trait(item) if item.ident == "EventVisitor" => {
                let methods: Vec<String> = item
                    .items
                    .iter()
                    .filter_map(|inner| match inner {
                        syn::TraitItem::Fn(method) => Some(method.sig.ident.to_string()),
                        _ => None,
                    })
                    .collect();
                let expected: Vec<&str> = api.visitor_methods().collect();
                if methods != expected {
                    return Some(format!(
                        "`EventVisitor` has the methods {methods:?}, the model says {expected:?}"
                    ));
                }
            }
            _ => {}
        }
    }
    None
}

/// The first of `names` already in `seen`, which gains the others on the way.
fn first_repeat<'a>(
    names: impl IntoIterator<Item = &'a str>,
    seen: &mut std::collections::HashSet<&'a str>,
) -> Option<&'a str> {
    names.into_iter().find(|name| !seen.insert(name))
}

// ---------------------------------------------------------------------------------------------
// The importer
// ---------------------------------------------------------------------------------------------

/// Target `importer`: the input, when it is JSON, is an OpenAPI document, and is also the
/// schema of one webhook's request body. `emma_import::openapi` never panics, and what it
/// returns builds: `Ok` holds a schema whose TOML the generator reads back (checked by the
/// importer itself, so an unbuildable result is `ImportError::Unbuildable`, a bug this target
/// fails on), and an error names what was expected.
pub fn importer(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let wrapped = serde_json::json!({
        "openapi": "3.1.0",
        "info": { "title": "Fuzz", "version": "1" },
        "webhooks": { "fuzzed": { "post": { "requestBody": { "content": {
            "application/json": { "schema": value.clone() }
        } } } } },
        "components": { "schemas": { "Input": value.clone() } }
    });
    for document in [&value, &wrapped] {
        match emma_import::openapi(document, &emma_import::Options::default()) {
            Ok(imported) => {
                assert!(
                    !imported.schema.events.is_empty(),
                    "an import with no event is an error, not a schema"
                );
                // What it wrote is what it returns, read back.
                let reread = emma_schema::parse(&imported.toml, "events.toml")
                    .unwrap_or_else(|error| panic!("the imported schema does not load:\n{error}"));
                assert_eq!(reread.events.len(), imported.schema.events.len());
            }
            Err(emma_import::ImportError::Unbuildable { report, toml }) => {
                panic!("the importer wrote a schema that does not build:\n{report}\n{toml}")
            }
            Err(error) => assert!(!error.to_string().is_empty(), "an error with no message"),
        }
    }
}

//! JSON Schema files, one (or several) per event, as a schema.

use crate::convert::{Converter, doc_of, is_fields_object};
use crate::documents::Documents;
use crate::names::Names;
use crate::openapi::{EventExamples, attach_examples, export_name, finish};
use crate::{ImportError, Imported, LayoutChoice, Options};
use emma_schema::{Envelope, EventDef, Layout, Schema, Span};
use heck::ToUpperCamelCase;
use serde_json::{Value, json};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// One `--event NAME=FILE[#/json/pointer]`: the event `name` is described by the JSON Schema
/// in `file` at `pointer` (the whole file when empty).
///
/// Several sources with one name make one event whose data is any of them: a union, told
/// apart by the key each pins to its own value (GitHub's `action`) when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSource {
    /// The event's name, as deliveries carry it.
    pub name: String,
    /// The JSON Schema file.
    pub file: PathBuf,
    /// A JSON pointer into the file (`/definitions/issues_event`), or empty for all of it.
    pub pointer: String,
}

impl FromStr for EventSource {
    type Err = String;

    /// Reads `NAME=FILE` or `NAME=FILE#/json/pointer`.
    fn from_str(text: &str) -> Result<Self, String> {
        let (name, source) = text
            .split_once('=')
            .ok_or_else(|| format!("`{text}` is not NAME=FILE[#/json/pointer]"))?;
        if name.is_empty() {
            return Err(format!("`{text}` has no event name before `=`"));
        }
        let (file, pointer) = source.split_once('#').unwrap_or((source, ""));
        if file.is_empty() {
            return Err(format!("`{text}` has no file after `=`"));
        }
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(format!(
                "`{text}`: the part after `#` is a JSON pointer, which starts with `/` (`#/definitions/{pointer}`)"
            ));
        }
        Ok(EventSource {
            name: name.to_owned(),
            file: PathBuf::from(file),
            pointer: pointer.to_owned(),
        })
    }
}

impl fmt::Display for EventSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.file.display())?;
        if !self.pointer.is_empty() {
            write!(f, "#{}", self.pointer)?;
        }
        Ok(())
    }
}

/// Imports events described by JSON Schema files (draft-07, 2019-09 or 2020-12): each
/// source's schema is the event's data (the `content` under the adjacent layout, the body
/// under the header layout, the body but the tag under the internal layout). `$ref`s are
/// followed within a file and to other files, found by `$id` or by path (beside the file,
/// then beside each folder above it).
///
/// The envelope is what `options` say (the adjacent layout with its default keys otherwise);
/// the documents do not state it. A schema's `examples` become the event's examples, checked;
/// an event with none gets one made from the schema, marked so.
///
/// Notes' pointers name the file (`common/user.schema.json#/properties/id`).
pub fn json_schemas(sources: &[EventSource], options: &Options) -> Result<Imported, ImportError> {
    let document_error = |message: String| ImportError::Document {
        pointer: String::new(),
        message,
    };
    if sources.is_empty() {
        return Err(document_error(
            "no events to import: give at least one `--event NAME=FILE`".to_owned(),
        ));
    }
    let envelope = envelope(options).map_err(document_error)?;
    let mut files: Vec<PathBuf> = Vec::new();
    for source in sources {
        if !files.contains(&source.file) {
            files.push(source.file.clone());
        }
    }
    let (documents, labels) = Documents::load(&files)?;
    let label_of = |source: &EventSource| {
        let index = files.iter().position(|file| *file == source.file);
        index.map_or_else(String::new, |index| labels[index].clone())
    };

    // Each event's sources, in the order their names first appear.
    let mut grouped: Vec<(String, Vec<(String, &EventSource)>)> = Vec::new();
    for source in sources {
        if let Some(problem) = emma_schema::event_name_problem(&source.name) {
            return Err(document_error(format!(
                "`--event {source}`: `{}` cannot be an event's name: {problem}",
                source.name
            )));
        }
        let reference = format!("{}#{}", label_of(source), source.pointer);
        if documents.target(&reference).is_none() {
            return Err(document_error(format!(
                "`--event {source}`: {} has nothing at `{}`",
                source.file.display(),
                source.pointer
            )));
        }
        match grouped.iter_mut().find(|(name, _)| *name == source.name) {
            Some((_, references)) => references.push((reference, source)),
            None => grouped.push((source.name.clone(), vec![(reference, source)])),
        }
    }

    let mut converter = Converter::new(&documents, Names::default());
    // Event struct names first: the types made while reading their fields avoid them.
    let rust_names = converter
        .names
        .reserve_events(grouped.iter().map(|(name, _)| name.as_str()));

    let mut events = Vec::new();
    let mut examples = Vec::new();
    for (name, references) in &grouped {
        let struct_name = name.to_upper_camel_case();
        // Each source as a `$ref` to it, where it is, and resolved (`allOf` merged), once.
        let schemas: Vec<Source> = references
            .iter()
            .map(|(reference, _)| {
                let at = documents
                    .target(reference)
                    .map(|(_, at)| at)
                    .unwrap_or_default();
                let schema = json!({ "$ref": reference });
                let (resolved, found) = converter.resolved(&schema, &at);
                Source {
                    at,
                    schema,
                    resolved,
                    found,
                }
            })
            .collect();
        let first_at = schemas[0].at.clone();
        let mut summary = String::new();
        let mut found_examples = Vec::new();
        for source in &schemas {
            if summary.is_empty() {
                summary = doc_of(&Value::Object(source.resolved.clone()));
            }
            if let Some(Value::Array(values)) = source.resolved.get("examples") {
                found_examples.extend(values.iter().map(|data| wrap(&envelope.layout, name, data)));
            }
        }
        let (fields, data) = if let [source] = schemas.as_slice() {
            let Source {
                at,
                schema,
                resolved,
                found,
            } = source;
            match (&envelope.layout, is_fields_object(resolved)) {
                (Layout::Internal { tag }, true) => {
                    let mut object = resolved.clone();
                    if let Some(Value::Object(properties)) = object.get_mut("properties") {
                        properties.remove(tag);
                    }
                    (converter.fields(&object, found, &struct_name), None)
                }
                (_, true) => (converter.fields(resolved, found, &struct_name), None),
                (Layout::Internal { .. }, false) => {
                    return Err(ImportError::Document {
                        pointer: at.clone(),
                        message: format!(
                            "`{name}`'s schema is not an object with properties, which the internal layout needs (its tag shares the object): use `--layout adjacent` or `--layout header`"
                        ),
                    });
                }
                (_, false) => {
                    let ty = converter.data_type(
                        schema,
                        at,
                        &format!("{struct_name} data"),
                        &format!("`{name}`'s data"),
                    );
                    (Vec::new(), Some(ty))
                }
            }
        } else {
            if matches!(envelope.layout, Layout::Internal { .. }) {
                return Err(ImportError::Document {
                    pointer: first_at,
                    message: format!(
                        "`{name}` has several schemas, a union, which the internal layout cannot carry (its tag shares the object): use `--layout adjacent` or `--layout header`"
                    ),
                });
            }
            let alternatives: Vec<(String, &Value)> = schemas
                .iter()
                .map(|source| (source.at.clone(), &source.schema))
                .collect();
            let ty = converter.union_type(&alternatives, &format!("{struct_name} event"));
            (Vec::new(), Some(ty))
        };
        let summary = crate::openapi::first_sentence(&summary);
        events.push(EventDef {
            name: name.clone(),
            rust_name: rust_names.get(name.as_str()).cloned(),
            summary: if summary.is_empty() {
                format!("The `{name}` event.")
            } else {
                summary
            },
            description: String::new(),
            fields,
            data,
            examples: Vec::new(),
            span: Span::default(),
        });
        examples.push(EventExamples {
            name: name.clone(),
            at: first_at,
            examples: found_examples,
        });
    }

    let first = documents
        .target(&format!("{}#", labels[0]))
        .map(|(value, _)| value);
    let title = first
        .and_then(|value| value.get("title"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let mut schema = Schema {
        name: options.name.clone().unwrap_or_else(|| export_name(&title)),
        version: emma_schema::DEFAULT_SCHEMA_VERSION.to_owned(),
        title: if title.is_empty() {
            "Webhooks".to_owned()
        } else {
            title
        },
        description: String::new(),
        envelope,
        types: std::mem::take(&mut converter.types),
        events,
        rename_all: None,
    };
    let mut notes = std::mem::take(&mut converter.notes);
    attach_examples(&mut schema, &examples, &options.examples, &mut notes);
    let source = if files.len() == 1 {
        format!("the JSON Schema file {}", files[0].display())
    } else {
        format!("{} JSON Schema files", files.len())
    };
    finish(schema, notes, &source)
}

/// One `--event` source of an event: a `$ref` to it, where it is, and its schema resolved
/// (`$ref`s followed, `allOf` merged) with where its properties are.
struct Source {
    at: String,
    schema: Value,
    resolved: serde_json::Map<String, Value>,
    found: String,
}

/// A delivery of `data` as the layout carries it.
fn wrap(layout: &Layout, name: &str, data: &Value) -> Value {
    match layout {
        Layout::Adjacent { tag, content } => json!({ tag.as_str(): name, content.as_str(): data }),
        Layout::Internal { tag } => {
            let mut delivery = data.as_object().cloned().unwrap_or_default();
            delivery.insert(tag.clone(), Value::String(name.to_owned()));
            Value::Object(delivery)
        }
        Layout::Header { .. } => data.clone(),
    }
}

/// The envelope `options` state; the adjacent layout with its default keys when they state
/// none.
fn envelope(options: &Options) -> Result<Envelope, String> {
    let layout = options.layout.unwrap_or(if options.header.is_some() {
        LayoutChoice::Header
    } else {
        LayoutChoice::Adjacent
    });
    let refuse = |key: &str, layout: &str| {
        Err(format!(
            "`--{key}` does not apply to the {layout} layout (see `[envelope]` in docs/schema-format.md)"
        ))
    };
    let layout = match layout {
        LayoutChoice::Adjacent => {
            if options.header.is_some() {
                return refuse("header", "adjacent");
            }
            let mut layout = Envelope::default().layout;
            if let Layout::Adjacent { tag, content } = &mut layout {
                if let Some(wanted) = &options.tag {
                    tag.clone_from(wanted);
                }
                if let Some(wanted) = &options.content {
                    content.clone_from(wanted);
                }
            }
            layout
        }
        LayoutChoice::Internal => {
            if options.header.is_some() {
                return refuse("header", "internal");
            }
            if options.content.is_some() {
                return refuse("content", "internal");
            }
            Layout::Internal {
                tag: options
                    .tag
                    .clone()
                    .unwrap_or_else(|| emma_schema::DEFAULT_INTERNAL_TAG.to_owned()),
            }
        }
        LayoutChoice::Header => {
            if options.tag.is_some() {
                return refuse("tag", "header");
            }
            if options.content.is_some() {
                return refuse("content", "header");
            }
            let header = options.header.clone().ok_or_else(|| {
                "the header layout needs the header's name (`--header`)".to_owned()
            })?;
            if !emma_schema::is_header_name(&header) {
                return Err(format!("`--header {header}` is not an HTTP header name"));
            }
            Layout::Header { header }
        }
    };
    Ok(Envelope {
        layout,
        ..Envelope::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use emma_schema::TypeRef;
    use serde_json::json;

    /// A folder of JSON files, removed when dropped.
    struct Folder(PathBuf);

    impl Folder {
        fn new(test: &str, files: &[(&str, Value)]) -> Self {
            let root =
                std::env::temp_dir().join(format!("emma-import-{test}-{}", std::process::id()));
            for (path, value) in files {
                let path = root.join(path);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, value.to_string()).unwrap();
            }
            Folder(root)
        }

        fn event(&self, name: &str, file: &str) -> EventSource {
            format!("{name}={}", self.0.join(file).display())
                .parse()
                .unwrap()
        }
    }

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn action(name: &str) -> Value {
        json!({
            "$id": format!("label${name}"),
            "type": "object",
            "required": ["action", "label"],
            "properties": {
                "action": { "type": "string", "enum": [name] },
                "label": { "$ref": "common/label.schema.json" }
            }
        })
    }

    fn header() -> Options {
        Options {
            layout: Some(LayoutChoice::Header),
            header: Some("X-GitHub-Event".to_owned()),
            ..Options::default()
        }
    }

    #[test]
    fn event_sources_read_name_file_and_pointer() {
        let source: EventSource = "push=schema.json#/definitions/push$event".parse().unwrap();
        assert_eq!(source.name, "push");
        assert_eq!(source.file, PathBuf::from("schema.json"));
        assert_eq!(source.pointer, "/definitions/push$event");
        assert_eq!(
            source.to_string(),
            "push=schema.json#/definitions/push$event"
        );
        assert!(
            "push"
                .parse::<EventSource>()
                .unwrap_err()
                .contains("NAME=FILE")
        );
        assert!(
            "=a.json"
                .parse::<EventSource>()
                .unwrap_err()
                .contains("no event name")
        );
        assert!(
            "a=x.json#definitions/a"
                .parse::<EventSource>()
                .unwrap_err()
                .contains("starts with `/`")
        );
    }

    #[test]
    fn several_files_for_one_event_make_a_union_told_apart_by_what_each_pins() {
        let folder = Folder::new(
            "union",
            &[
                ("label/created.schema.json", action("created")),
                ("label/deleted.schema.json", action("deleted")),
                (
                    "common/label.schema.json",
                    json!({
                        "$id": "common/label.schema.json",
                        "title": "Label",
                        "type": "object",
                        "required": ["id", "name"],
                        "properties": { "id": { "type": "integer" }, "name": { "type": "string" } }
                    }),
                ),
            ],
        );
        let sources = [
            folder.event("label", "label/created.schema.json"),
            folder.event("label", "label/deleted.schema.json"),
        ];
        let imported = json_schemas(&sources, &header()).unwrap();
        let event = &imported.schema.events[0];
        assert_eq!(event.data, Some(TypeRef::Named("LabelEvent".to_owned())));
        let union = imported.schema.named_type("LabelEvent").unwrap();
        let emma_schema::TypeKind::Union { tag, variants } = &union.kind else {
            panic!("{union:?}");
        };
        assert_eq!(tag.as_deref(), Some("action"));
        let values: Vec<_> = variants
            .iter()
            .map(|variant| variant.value.as_deref())
            .collect();
        assert_eq!(values, [Some("created"), Some("deleted")]);
        // The common file, reached from both, is one type, named by its title (`Label2`:
        // the event's struct is `Label`).
        let label_types: Vec<&TypeRef> = variants
            .iter()
            .map(|variant| {
                let TypeRef::Named(name) = &variant.ty else {
                    panic!("{variant:?}");
                };
                let def = imported.schema.named_type(name).unwrap();
                let emma_schema::TypeKind::Object { fields } = &def.kind else {
                    panic!("{def:?}");
                };
                &fields
                    .iter()
                    .find(|field| field.name == "label")
                    .unwrap()
                    .ty
            })
            .collect();
        assert_eq!(label_types, [&TypeRef::Named("Label2".to_owned()); 2]);
        assert!(imported.toml.contains(r#"data = "LabelEvent""#));
    }

    #[test]
    fn real_deliveries_relax_what_they_omit_and_null_and_report_it() {
        let folder = Folder::new(
            "relax",
            &[(
                "ping.json",
                json!({
                    "type": "object",
                    "required": ["zen", "hook_id"],
                    "properties": {
                        "zen": { "type": "string" },
                        "hook_id": { "type": "integer" }
                    }
                }),
            )],
        );
        let mut options = header();
        options.examples = vec![
            ("ping".to_owned(), json!({ "zen": null })),
            ("ping".to_owned(), json!({ "zen": 7, "hook_id": 1 })),
            ("pong".to_owned(), json!({})),
        ];
        let imported = json_schemas(&[folder.event("ping", "ping.json")], &options).unwrap();
        let fields = &imported.schema.events[0].fields;
        assert!(fields[0].nullable && fields[0].required, "{:?}", fields[0]);
        assert!(
            !fields[1].required && !fields[1].nullable,
            "{:?}",
            fields[1]
        );
        let messages: Vec<&str> = imported
            .notes
            .iter()
            .map(|note| note.message.as_str())
            .collect();
        assert!(
            messages
                .iter()
                .any(|message| message.contains("`zen` of event `ping`")
                    && message.contains("declared nullable")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|message| message.contains("`hook_id` of event `ping`")
                    && message.contains("declared optional")),
            "{messages:?}"
        );
        // A value of another type is not relaxed, but reported; an unknown event is noted.
        assert!(
            messages
                .iter()
                .any(|message| message.contains("still does not match")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|message| message.contains("no event `pong`")),
            "{messages:?}"
        );
        // The smallest delivery the schema accepts is the event's example.
        assert_eq!(
            imported.schema.events[0].examples[0].value,
            json!({ "zen": null })
        );
    }

    #[test]
    fn bad_sources_are_errors_that_say_where() {
        let folder = Folder::new(
            "errors",
            &[("a.json", action("created")), ("b.json", action("deleted"))],
        );
        let mut missing = folder.event("label", "a.json");
        missing.pointer = "/definitions/nothing".to_owned();
        let error = json_schemas(&[missing], &header()).unwrap_err().to_string();
        assert!(
            error.contains("has nothing at `/definitions/nothing`"),
            "{error}"
        );
        let absent = folder.event("label", "absent.json");
        let error = json_schemas(&[absent], &header()).unwrap_err().to_string();
        assert!(error.contains("absent.json"), "{error}");
        let internal = Options {
            layout: Some(LayoutChoice::Internal),
            ..Options::default()
        };
        let union = [
            folder.event("label", "a.json"),
            folder.event("label", "b.json"),
        ];
        let error = json_schemas(&union, &internal).unwrap_err().to_string();
        assert!(error.contains("several schemas"), "{error}");
        let error = json_schemas(
            &union,
            &Options {
                tag: Some("t".into()),
                ..header()
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("`--tag` does not apply to the header layout"),
            "{error}"
        );
        std::fs::write(folder.0.join("bad.json"), "{\"a\": }").unwrap();
        let error = json_schemas(&[folder.event("x", "bad.json")], &header())
            .unwrap_err()
            .to_string();
        assert!(error.contains("bad.json:1:7: not JSON"), "{error}");
    }
}

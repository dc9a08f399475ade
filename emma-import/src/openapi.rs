//! An OpenAPI 3.1 (`webhooks`) or 3.0 (`x-webhooks`) document's webhooks as a schema.

use crate::convert::{Converter, doc_of, is_fields_object, pinned};
use crate::documents::Documents;
use crate::names::Names;
use crate::relax::Evidence;
use crate::{ImportError, Imported, LayoutChoice, Note, Options, example, pointer_push};
use emma_schema::{Envelope, EventDef, Example, FieldDef, Layout, Schema, Span};
use heck::ToUpperCamelCase;
use serde_json::{Map, Value};
use std::collections::HashSet;

/// One webhook's request body: its key, the delivery schema (resolved), its examples.
struct Webhook<'d> {
    key: String,
    /// Where the delivery schema is.
    at: String,
    /// The delivery schema, as written.
    schema: Value,
    delivery: Map<String, Value>,
    /// Where its properties are (the `$ref` target's, say).
    properties_at: String,
    summary: String,
    description: String,
    examples: Vec<&'d Value>,
    /// A required header parameter that pins a string (`X-GitHub-Event: push`), as the
    /// header layout's exports declare it: its name and value.
    header: Option<(String, String)>,
}

/// Imports the webhooks of an OpenAPI document (3.1's `webhooks`, or 3.0's `x-webhooks`):
/// one event per webhook, named by the value its tag property pins (`const`, or a one-value
/// `enum`), else by its key.
///
/// The envelope is inferred unless `options` say it: the tag is the property every delivery
/// pins to one string; the content, the property beside it every delivery has (`data`
/// first); the other properties all deliveries share become envelope fields.
pub fn openapi(document: &Value, options: &Options) -> Result<Imported, ImportError> {
    let version = document
        .get("openapi")
        .and_then(Value::as_str)
        .ok_or_else(|| ImportError::Document {
            pointer: String::new(),
            message: "not an OpenAPI document: it has no `openapi` version string".to_owned(),
        })?;
    if !version.starts_with("3.") {
        return Err(ImportError::Document {
            pointer: "/openapi".to_owned(),
            message: format!("OpenAPI {version} is not read; 3.0 and 3.1 are"),
        });
    }
    let (section, hooks) = ["webhooks", "x-webhooks"]
        .iter()
        .find_map(|section| {
            document
                .get(*section)
                .and_then(Value::as_object)
                .filter(|hooks| !hooks.is_empty())
                .map(|hooks| (*section, hooks))
        })
        .ok_or_else(|| ImportError::Document {
            pointer: String::new(),
            message: "the document declares no webhooks (`webhooks` in 3.1, `x-webhooks` in 3.0)"
                .to_owned(),
        })?;

    let documents = Documents::one(document.clone());
    let mut converter = Converter::new(&documents, Names::default());
    let mut webhooks = Vec::new();
    for (key, item) in hooks {
        let item_at = pointer_push(&format!("/{section}"), key);
        match webhook(&mut converter, key, item, &item_at) {
            Some(hook) => webhooks.push(hook),
            None => converter.note(
                &item_at,
                "no operation with an `application/json` request body schema: left out",
            ),
        }
    }
    let envelope = infer_envelope(&mut converter, &webhooks, options)?;

    // Event struct names first: the types made while reading their fields avoid them.
    let named: Vec<(String, &Webhook<'_>)> = webhooks
        .iter()
        .map(|hook| (event_name(hook, &envelope.layout), hook))
        .collect();
    let rust_names = converter
        .names
        .reserve_events(named.iter().map(|(name, _)| name.as_str()));

    let mut events = Vec::new();
    let mut seen = HashSet::new();
    for (name, hook) in &named {
        if let Some(problem) = emma_schema::event_name_problem(name) {
            converter.note(
                &hook.at,
                format!("`{name}` cannot be an event's name ({problem}): left out"),
            );
            continue;
        }
        if !seen.insert(name.clone()) {
            converter.note(
                &hook.at,
                format!("`{name}` is the name of an earlier webhook too: left out"),
            );
            continue;
        }
        let struct_name = name.to_upper_camel_case();
        let fields = match &envelope.layout {
            Layout::Adjacent { content, .. } => {
                let content_at =
                    pointer_push(&pointer_push(&hook.properties_at, "properties"), content);
                let Some(schema) = hook
                    .delivery
                    .get("properties")
                    .and_then(|properties| properties.get(content))
                else {
                    converter.note(&hook.at, format!("no `{content}` property: left out"));
                    continue;
                };
                let (data, data_at) = converter.resolved(schema, &content_at);
                if !is_fields_object(&data) {
                    // A content of another shape (Svix's `message.attempt.log` sends an
                    // array): the event declares its `data` type.
                    let ty = converter.data_type(
                        schema,
                        &content_at,
                        &format!("{struct_name} data"),
                        &format!("`{content}`"),
                    );
                    events.push((name.clone(), hook, Vec::new(), Some(ty)));
                    continue;
                }
                converter.fields(&data, &data_at, &struct_name)
            }
            Layout::Internal { tag } => {
                let mut object = hook.delivery.clone();
                if let Some(Value::Object(properties)) = object.get_mut("properties") {
                    properties.remove(tag);
                }
                converter.fields(&object, &hook.properties_at, &struct_name)
            }
            Layout::Header { .. } => {
                if !is_fields_object(&hook.delivery) {
                    // A body of another shape (a union of the event's actions, say): the
                    // event declares its `data` type, the whole body.
                    let ty = converter.data_type(
                        &hook.schema,
                        &hook.at,
                        &format!("{struct_name} data"),
                        "the body",
                    );
                    events.push((name.clone(), hook, Vec::new(), Some(ty)));
                    continue;
                }
                converter.fields(&hook.delivery, &hook.properties_at, &struct_name)
            }
        };
        events.push((name.clone(), hook, fields, None));
    }

    let title = document
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let mut schema = Schema {
        name: options.name.clone().unwrap_or_else(|| export_name(&title)),
        version: document
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or(emma_schema::DEFAULT_SCHEMA_VERSION)
            .to_owned(),
        title: format!("{title} webhooks").trim().to_owned(),
        description: document
            .pointer("/info/description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        envelope,
        types: std::mem::take(&mut converter.types),
        events: Vec::new(),
        rename_all: None,
    };
    for (name, hook, fields, data) in events {
        schema.events.push(EventDef {
            name: name.clone(),
            rust_name: rust_names.get(name.as_str()).cloned(),
            summary: hook.summary.clone(),
            description: hook.description.clone(),
            fields,
            data,
            examples: Vec::new(),
            span: Span::default(),
        });
    }
    let mut notes = std::mem::take(&mut converter.notes);
    let shown: Vec<EventExamples> = named
        .iter()
        .map(|(name, hook)| EventExamples {
            name: name.clone(),
            at: hook.at.clone(),
            examples: hook
                .examples
                .iter()
                .map(|example| (*example).clone())
                .collect(),
        })
        .collect();
    attach_examples(&mut schema, &shown, &options.examples, &mut notes);
    finish(schema, notes, &format!("OpenAPI {version}"))
}

/// The webhook's delivery schema and what documents it, from its first operation with a JSON
/// request body.
fn webhook<'d>(
    converter: &mut Converter<'d>,
    key: &str,
    item: &'d Value,
    item_at: &str,
) -> Option<Webhook<'d>> {
    let item = item.as_object()?;
    let (method, operation) = item
        .iter()
        .find(|(_, operation)| operation.pointer("/requestBody").is_some())?;
    let operation_at = pointer_push(item_at, method);
    let mut body = operation.get("requestBody")?;
    let mut body_at = pointer_push(&operation_at, "requestBody");
    if let Some(reference) = body.get("$ref").and_then(Value::as_str) {
        (body, body_at) = converter.target(reference)?;
    }
    let (media, content) = body
        .get("content")?
        .as_object()?
        .iter()
        .find(|(media, _)| media.starts_with("application/json") || media.ends_with("+json"))?;
    let content_at = pointer_push(&pointer_push(&body_at, "content"), media);
    let schema = content.get("schema")?;
    let at = pointer_push(&content_at, "schema");
    let (delivery, properties_at) = converter.resolved(schema, &at);
    let mut examples: Vec<&Value> = content.get("example").into_iter().collect();
    if let Some(Value::Object(named)) = content.get("examples") {
        examples.extend(named.values().filter_map(|example| example.get("value")));
    }
    let description = operation
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| doc_of(&Value::Object(delivery.clone())));
    let summary = operation
        .get("summary")
        .and_then(Value::as_str)
        .filter(|summary| *summary != key)
        .map_or_else(|| first_sentence(&description), str::to_owned);
    let header = operation
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find_map(|parameter| {
            let name = parameter.get("name")?.as_str()?;
            let value = pinned(parameter.get("schema")?)?;
            (parameter.get("in")? == "header" && parameter.get("required")? == true)
                .then(|| (name.to_owned(), value.to_owned()))
        });
    Some(Webhook {
        schema: schema.clone(),
        header,
        key: key.to_owned(),
        at,
        delivery,
        properties_at,
        summary,
        description,
        examples,
    })
}

pub(crate) fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    match line.find(". ") {
        Some(end) => line[..=end].trim().to_owned(),
        None => line.trim().to_owned(),
    }
}

fn properties<'h>(hook: &'h Webhook<'_>) -> Option<&'h Map<String, Value>> {
    hook.delivery.get("properties").and_then(Value::as_object)
}

fn required(hook: &Webhook<'_>, key: &str) -> bool {
    hook.delivery
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|names| names.iter().any(|name| name == key))
}

fn infer_envelope(
    converter: &mut Converter<'_>,
    webhooks: &[Webhook<'_>],
    options: &Options,
) -> Result<Envelope, ImportError> {
    let no_webhooks = || ImportError::Document {
        pointer: String::new(),
        message: "no webhook has an `application/json` request body schema".to_owned(),
    };
    let first = webhooks.first().ok_or_else(no_webhooks)?;
    // A header every webhook requires, pinned to its event's name: the header layout.
    let stated_header = first.header.as_ref().map(|(name, _)| name).filter(|name| {
        emma_schema::is_header_name(name)
            && webhooks.iter().all(|hook| {
                hook.header
                    .as_ref()
                    .is_some_and(|(other, _)| other.eq_ignore_ascii_case(name))
            })
    });
    let header_layout = match options.layout {
        Some(layout) => layout == LayoutChoice::Header,
        None => options.header.is_some() || stated_header.is_some(),
    };
    if header_layout {
        let header = options
            .header
            .clone()
            .or_else(|| stated_header.cloned())
            .ok_or_else(|| ImportError::Document {
                pointer: String::new(),
                message: "the header layout needs the header's name (`--header`)".to_owned(),
            })?;
        if !emma_schema::is_header_name(&header) {
            return Err(ImportError::Document {
                pointer: String::new(),
                message: format!("`--header {header}` is not an HTTP header name"),
            });
        }
        return Ok(Envelope {
            layout: Layout::Header { header },
            ..Envelope::default()
        });
    }
    let in_all = |key: &str| {
        webhooks
            .iter()
            .all(|hook| properties(hook).is_some_and(|properties| properties.contains_key(key)))
    };
    let tag = match &options.tag {
        Some(tag) => tag.clone(),
        None => properties(first)
            .into_iter()
            .flatten()
            .map(|(key, _)| key)
            .find(|key| {
                webhooks.iter().all(|hook| {
                    properties(hook)
                        .and_then(|properties| properties.get(key.as_str()))
                        .and_then(pinned)
                        .is_some()
                })
            })
            .cloned()
            .ok_or_else(|| ImportError::Document {
                pointer: first.at.clone(),
                message: "no property pins the event's name in every webhook (a `const` or a one-value `enum`): say which with `--tag`, or `--layout header --header NAME`".to_owned(),
            })?,
    };
    let content = match (&options.content, options.layout) {
        (Some(content), _) => Some(content.clone()),
        (None, Some(LayoutChoice::Internal)) => None,
        (None, _) => {
            let candidates: Vec<&String> = properties(first)
                .into_iter()
                .flatten()
                .map(|(key, _)| key)
                .filter(|key| **key != tag && in_all(key))
                .collect();
            // The content is `data`, else a property whose schema differs from webhook to
            // webhook (each event its own data); properties alike in all are envelope
            // fields, and with no other the layout is internal.
            let differs = |key: &str| {
                let schema_of = |hook: &Webhook<'_>| {
                    properties(hook)
                        .and_then(|properties| properties.get(key))
                        .cloned()
                };
                let first_schema = schema_of(first);
                webhooks.iter().any(|hook| schema_of(hook) != first_schema)
            };
            candidates
                .iter()
                .find(|key| key.as_str() == "data")
                .or_else(|| candidates.iter().find(|key| differs(key)))
                .or_else(|| candidates.first().filter(|_| webhooks.len() == 1))
                .map(|key| (*key).clone())
        }
    };
    let Some(content) = content else {
        return Ok(Envelope {
            layout: Layout::Internal { tag },
            ..Envelope::default()
        });
    };
    // The other properties every delivery has are the envelope's fields.
    let mut shared: Map<String, Value> = Map::new();
    let mut shared_required = Vec::new();
    for (key, schema) in properties(first).into_iter().flatten() {
        if *key == tag || *key == content || !in_all(key) {
            continue;
        }
        shared.insert(key.clone(), schema.clone());
        if webhooks.iter().all(|hook| required(hook, key)) {
            shared_required.push(Value::String(key.clone()));
        }
    }
    let mut envelope_object = Map::new();
    envelope_object.insert("properties".into(), Value::Object(shared));
    envelope_object.insert("required".into(), Value::Array(shared_required));
    let fields: Vec<FieldDef> =
        converter.fields(&envelope_object, &first.properties_at, "envelope");
    Ok(Envelope {
        layout: Layout::Adjacent { tag, content },
        fields,
        ..Envelope::default()
    })
}

fn event_name(hook: &Webhook<'_>, layout: &Layout) -> String {
    match layout.clone() {
        Layout::Adjacent { tag, .. } | Layout::Internal { tag } => properties(hook)
            .and_then(|properties| properties.get(&tag))
            .and_then(pinned)
            .unwrap_or(&hook.key)
            .to_owned(),
        Layout::Header { header } => match &hook.header {
            Some((name, value)) if name.eq_ignore_ascii_case(&header) => value.clone(),
            _ => hook.key.clone(),
        },
    }
}

/// The examples a document shows for one event, as whole deliveries, and where.
pub(crate) struct EventExamples {
    pub(crate) name: String,
    pub(crate) at: String,
    pub(crate) examples: Vec<Value>,
}

/// Gives every event the document's examples that its schema accepts (reporting the others
/// and why), or one made from the schema when none is left.
pub(crate) fn attach_examples(
    schema: &mut Schema,
    shown: &[EventExamples],
    supplied: &[(String, Value)],
    notes: &mut Vec<Note>,
) {
    let labelled: Vec<(String, Value, String)> = supplied
        .iter()
        .enumerate()
        .map(|(index, (name, delivery))| {
            let label = format!("--examples (delivery {} of `{name}`)", index + 1);
            (name.clone(), delivery.clone(), label)
        })
        .collect();
    crate::relax::relax(schema, &labelled, Evidence::Deliveries, notes);
    // A provider's own examples break its checks too (Svix's `env_...` where `^org_...` is
    // declared): those checks are left out, as for real deliveries.
    let own: Vec<(String, Value, String)> = shown
        .iter()
        .flat_map(|found| {
            found
                .examples
                .iter()
                .enumerate()
                .map(|(position, example)| {
                    let label = format!("{} (example {})", found.at, position + 1);
                    (found.name.clone(), example.clone(), label)
                })
        })
        .collect();
    crate::relax::relax(schema, &own, Evidence::Examples, notes);
    for index in 0..schema.events.len() {
        let name = schema.events[index].name.clone();
        let Some(found) = shown.iter().find(|found| found.name == name) else {
            continue;
        };
        if found.examples.is_empty() {
            // The smallest of the deliveries given for it that its schema accepts.
            let smallest = supplied
                .iter()
                .filter(|(event, _)| *event == name)
                .map(|(_, delivery)| {
                    (
                        serde_json::to_string(delivery).unwrap_or_default(),
                        delivery,
                    )
                })
                .filter(|(_, delivery)| {
                    emma_schema::delivery_problems_as(schema, &name, delivery).is_empty()
                })
                .min_by_key(|(json, _)| json.len());
            if let Some((json, delivery)) = smallest {
                schema.events[index].examples = vec![Example {
                    json,
                    value: delivery.clone(),
                }];
                continue;
            }
        }
        let mut kept = Vec::new();
        for (position, example) in found.examples.iter().enumerate() {
            let problems = emma_schema::delivery_problems_as(schema, &name, example);
            if problems.is_empty() {
                kept.push(Example {
                    json: serde_json::to_string(example).unwrap_or_default(),
                    value: example.clone(),
                });
            } else {
                notes.push(Note {
                    pointer: format!("{} (example {})", found.at, position + 1),
                    message: format!(
                        "this example of `{name}` does not match its own schema, so it is left out: {}",
                        problems.join("; ")
                    ),
                });
            }
        }
        if kept.is_empty() {
            let value = example::delivery(schema, &schema.events[index]);
            // A value made for a field may fail its checks (a `pattern`): those are left out.
            let label = format!("{} (the example made from the schema)", found.at);
            crate::relax::relax(
                schema,
                &[(name.clone(), value.clone(), label)],
                Evidence::Examples,
                notes,
            );
            notes.push(Note {
                pointer: found.at.clone(),
                message: format!(
                    "no example of `{name}` in the document matches its schema: one made from the schema is used (marked in its description)"
                ),
            });
            let event = &mut schema.events[index];
            if !event.description.is_empty() {
                event.description.push_str("\n\n");
            }
            event
                .description
                .push_str("(Its example was made by `emma-schema import` from the schema: the document has none that matches.)");
            kept.push(Example {
                json: serde_json::to_string(&value).unwrap_or_default(),
                value,
            });
        }
        schema.events[index].examples = kept;
    }
}

/// The schema's export name from the document's title: `Svix API` gives `svix-api`.
pub(crate) fn export_name(title: &str) -> String {
    let name: String = title
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let name = name
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if name.is_empty() {
        emma_schema::DEFAULT_SCHEMA_NAME.to_owned()
    } else {
        format!("{name}-webhooks")
    }
}

/// Writes the schema and reads it back as the generator does: what is returned builds.
pub(crate) fn finish(
    mut schema: Schema,
    notes: Vec<Note>,
    source: &str,
) -> Result<Imported, ImportError> {
    if schema.events.is_empty() {
        let reasons: Vec<String> = notes.iter().map(Note::to_string).collect();
        return Err(ImportError::Document {
            pointer: String::new(),
            message: format!(
                "no event could be imported from {source}: {}",
                if reasons.is_empty() {
                    "none is declared".to_owned()
                } else {
                    reasons.join("; ")
                }
            ),
        });
    }
    crate::names::adopt_camel_case(&mut schema);
    let header = format!(
        "Imported by `emma-schema import` from {source}.\n{} note(s): what the schema language does not say as the document does.",
        notes.len()
    );
    let toml = emma_schema::to_toml(&schema, &header);
    match emma_codegen::parse(&toml, "events.toml") {
        Ok(schema) => Ok(Imported {
            schema,
            toml,
            notes,
        }),
        Err(error) => Err(ImportError::Unbuildable {
            report: error.to_string(),
            toml,
        }),
    }
}

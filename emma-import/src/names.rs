//! Rust names for what a document names in its own way. Whether a name is free is asked of the
//! generator (`emma_codegen::api::Api`, on a one-item schema), never decided by a copy of its
//! rules.

use emma_codegen::api::Api;
use emma_schema::{
    EnumValue, Envelope, EventDef, FieldDef, Primitive, Schema, Span, TypeDef, TypeKind, TypeRef,
};
use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::HashSet;

fn probe_schema(types: Vec<TypeDef>, events: Vec<EventDef>) -> Schema {
    Schema {
        name: emma_schema::DEFAULT_SCHEMA_NAME.to_owned(),
        version: emma_schema::DEFAULT_SCHEMA_VERSION.to_owned(),
        title: String::new(),
        description: String::new(),
        envelope: Envelope::default(),
        types,
        events,
        rename_all: None,
    }
}

pub(crate) fn field(name: &str, rust_name: Option<&str>, ty: TypeRef) -> FieldDef {
    FieldDef {
        name: name.to_owned(),
        rust_name: rust_name.map(|text| emma_schema::RustName {
            text: text.to_owned(),
            span: Span::default(),
        }),
        ty,
        doc: String::new(),
        required: true,
        nullable: false,
        checks: emma_schema::Checks::default(),
        rename_all: None,
        span: Span::default(),
    }
}

/// Whether the generator takes `name` for a schema's type.
fn type_name_is_free(name: &str) -> bool {
    let def = TypeDef {
        name: name.to_owned(),
        doc: String::new(),
        kind: TypeKind::Object { fields: Vec::new() },
        span: Span::default(),
    };
    Api::new(&probe_schema(vec![def], Vec::new()))
        .problems()
        .is_empty()
}

/// The names the generator gives an event named `event_name` (with `rust_name`, when given)
/// in a schema of its own; `None` when it refuses them (not a Rust name, `Self`, a name the
/// generated API uses).
fn event_api_names(event_name: &str, rust_name: Option<&str>) -> Option<GeneratedNames> {
    let event = EventDef {
        name: event_name.to_owned(),
        rust_name: rust_name.map(|text| emma_schema::RustName {
            text: text.to_owned(),
            span: Span::default(),
        }),
        summary: String::new(),
        description: String::new(),
        fields: Vec::new(),
        data: None,
        examples: Vec::new(),
        span: Span::default(),
    };
    let schema = probe_schema(Vec::new(), vec![event]);
    let api = Api::new(&schema);
    if !api.problems().is_empty() {
        return None;
    }
    let generated = api.event(event_name)?;
    Some(GeneratedNames {
        struct_name: generated.struct_name.clone(),
        visitor_method: generated.visitor_method.clone(),
        delivery_definition: generated.delivery_definition.clone(),
    })
}

/// What the generator names after an event.
struct GeneratedNames {
    struct_name: String,
    visitor_method: String,
    delivery_definition: String,
}

/// Whether the generator takes `name` as a field's Rust name in an event.
fn field_name_is_free(name: &str) -> bool {
    let event = EventDef {
        name: "probe".to_owned(),
        rust_name: None,
        summary: String::new(),
        description: String::new(),
        fields: vec![field(name, None, TypeRef::Primitive(Primitive::String))],
        data: None,
        examples: Vec::new(),
        span: Span::default(),
    };
    Api::new(&probe_schema(Vec::new(), vec![event]))
        .problems()
        .is_empty()
}

/// Whether the generator takes `variant` for a value of an open enum.
fn variant_is_free(variant: &str) -> bool {
    let def = TypeDef {
        name: "Probe".to_owned(),
        doc: String::new(),
        kind: TypeKind::Enum {
            values: vec![EnumValue {
                wire: "x".to_owned(),
                variant: variant.to_owned(),
                doc: String::new(),
                span: Span::default(),
                variant_span: Span::default(),
            }],
            open: true,
        },
        span: Span::default(),
    };
    Api::new(&probe_schema(vec![def], Vec::new()))
        .problems()
        .is_empty()
}

/// `text` made an identifier's start: a leading digit gets `prefix` before it.
fn identifier_start(text: String, prefix: &str) -> String {
    match text.chars().next() {
        None => prefix.to_owned(),
        Some(first) if first.is_ascii_digit() => format!("{prefix}{text}"),
        Some(_) => text,
    }
}

/// The first of `base`, `base2`, `base3`, ... that `free` accepts and `taken` does not hold.
fn first_free(base: &str, taken: &HashSet<String>, free: impl Fn(&str) -> bool) -> String {
    let accepts = |name: &str| !taken.contains(name) && free(name);
    if accepts(base) {
        return base.to_owned();
    }
    let mut suffixed = format!("{base}_");
    if base.ends_with(|c: char| c.is_ascii_lowercase() || c == '_') && accepts(&suffixed) {
        return suffixed;
    }
    for number in 2.. {
        suffixed = format!("{base}{number}");
        if accepts(&suffixed) {
            break;
        }
    }
    suffixed
}

/// The names already given to a schema's types and event structs.
#[derive(Debug, Default)]
pub(crate) struct Names {
    taken: HashSet<String>,
    /// The events' visitor methods (`visit_member_signup`).
    visits: HashSet<String>,
}

impl Names {
    /// Takes a name the generator derives itself (an event's struct and its `...Delivery`).
    pub(crate) fn reserve(&mut self, name: String) {
        self.taken.insert(name);
    }

    /// Reserves the names the generator gives the event `event_name` (its struct, its
    /// exports' `...Delivery` definition, its visitor method, as the generator's resolved
    /// model names them), and gives the `rust_name` it needs when the names derived from the
    /// wire name are not Rust names (`4xx.seen`), or meet another event's or the generated
    /// API's.
    pub(crate) fn reserve_event(&mut self, event_name: &str) -> Option<String> {
        let free = |rust_name: Option<&str>, names: &Self| {
            event_api_names(event_name, rust_name).filter(|generated| {
                !names.taken.contains(&generated.struct_name)
                    && !names.taken.contains(&generated.delivery_definition)
                    && !names.visits.contains(&generated.visitor_method)
            })
        };
        let (generated, rust_name) = match free(None, self) {
            Some(generated) => (generated, None),
            None => {
                // A name after the wire name's letters and digits, numbered until it is free.
                let base = identifier_start(
                    event_name
                        .to_upper_camel_case()
                        .chars()
                        .filter(char::is_ascii_alphanumeric)
                        .collect(),
                    "Event",
                );
                let mut chosen = base.clone();
                let mut number = 2;
                loop {
                    if let Some(generated) = free(Some(&chosen), self) {
                        break (generated, Some(chosen));
                    }
                    chosen = format!("{base}{number}");
                    number += 1;
                }
            }
        };
        self.visits.insert(generated.visitor_method);
        self.reserve(generated.delivery_definition);
        self.reserve(generated.struct_name);
        rust_name
    }

    /// [`Names::reserve_event`] for each event, once per name: the `rust_name`s they need.
    pub(crate) fn reserve_events<'n>(
        &mut self,
        event_names: impl IntoIterator<Item = &'n str>,
    ) -> std::collections::HashMap<String, emma_schema::RustName> {
        let mut seen = HashSet::new();
        let mut rust_names = std::collections::HashMap::new();
        for name in event_names {
            if seen.insert(name)
                && let Some(text) = self.reserve_event(name)
            {
                rust_names.insert(
                    name.to_owned(),
                    emma_schema::RustName {
                        text,
                        span: emma_schema::Span::default(),
                    },
                );
            }
        }
        rust_names
    }

    /// A free UpperCamelCase type name after `hint`.
    pub(crate) fn type_name(&mut self, hint: &str) -> String {
        let base = identifier_start(
            hint.to_upper_camel_case()
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect(),
            "T",
        );
        let name = first_free(&base, &self.taken, type_name_is_free);
        // A type's name also names its export definition, which an event's `...Delivery`
        // must not meet.
        self.taken.insert(name.clone());
        name
    }
}

/// The `rust_name` a field with key `wire` needs, if any, among `taken` (the struct's other
/// fields), which it joins.
pub(crate) fn field_rust_name(wire: &str, taken: &mut HashSet<String>) -> Option<String> {
    if !taken.contains(wire) && field_name_is_free(wire) {
        taken.insert(wire.to_owned());
        return None;
    }
    let snake: String = wire
        .to_snake_case()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let base = identifier_start(snake, "field_");
    let name = first_free(&base, taken, field_name_is_free);
    taken.insert(name.clone());
    Some(name)
}

/// The variant of an enum value `wire`, among `taken`, which it joins.
pub(crate) fn variant_name(wire: &str, taken: &mut HashSet<String>) -> String {
    let camel: String = wire
        .to_upper_camel_case()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let base = identifier_start(
        if camel.is_empty() {
            "Empty".into()
        } else {
            camel
        },
        "V",
    );
    let name = first_free(&base, taken, variant_is_free);
    taken.insert(name.clone());
    name
}

/// Declares `rename_all = "camelCase"` for the whole schema when that spares more `rust_name`s
/// than it needs (Svix's keys are camelCase: `msgId` is `msg_id` by the rule); each field then
/// keeps a `rust_name` only where the rule does not give its Rust name.
pub(crate) fn adopt_camel_case(schema: &mut Schema) {
    let rule = emma_schema::RenameRule::Camel;
    let fields = |schema: &Schema| -> Vec<(bool, bool)> {
        all_fields(schema)
            .map(|field| {
                let ident = emma_codegen::api::field_ident_of(field);
                let follows = rule.rust_name_of(&field.name).as_deref() == Some(&*ident);
                (
                    follows && field.rust_name.is_some(),
                    !follows && field.rust_name.is_none(),
                )
            })
            .collect()
    };
    let counted = fields(schema);
    let spared = counted.iter().filter(|(spared, _)| *spared).count();
    let needed = counted.iter().filter(|(_, needed)| *needed).count();
    if spared <= needed {
        return;
    }
    schema.rename_all = Some(rule);
    let owners = schema
        .types
        .iter_mut()
        .filter_map(|def| match &mut def.kind {
            TypeKind::Object { fields } => Some(fields),
            _ => None,
        })
        .chain(schema.events.iter_mut().map(|event| &mut event.fields))
        .chain(std::iter::once(&mut schema.envelope.fields));
    for fields in owners {
        for field in fields {
            let ident = emma_codegen::api::field_ident_of(field).into_owned();
            field.rust_name = match rule.rust_name_of(&field.name) {
                Some(derived) if derived == ident => None,
                _ => Some(emma_schema::RustName {
                    text: ident,
                    span: Span::default(),
                }),
            };
            field.rename_all = Some(rule);
        }
    }
}

/// Every field of the schema: its objects', its events' and its envelope's.
fn all_fields(schema: &Schema) -> impl Iterator<Item = &FieldDef> {
    schema
        .types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Object { fields } => Some(fields.as_slice()),
            _ => None,
        })
        .chain(schema.events.iter().map(|event| event.fields.as_slice()))
        .chain(std::iter::once(schema.envelope.fields.as_slice()))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_that_are_not_rust_get_a_snake_case_rust_name() {
        let mut taken = HashSet::new();
        assert_eq!(field_rust_name("member_id", &mut taken), None);
        assert_eq!(
            field_rust_name("appId", &mut taken).as_deref(),
            Some("app_id")
        );
        assert_eq!(
            field_rust_name("type", &mut taken).as_deref(),
            Some("type_")
        );
        assert_eq!(
            field_rust_name("extra", &mut taken).as_deref(),
            Some("extra_")
        );
        assert_eq!(
            field_rust_name("2fa", &mut taken).as_deref(),
            Some("field_2fa")
        );
        // `app_id` is taken by `appId` already.
        assert_eq!(
            field_rust_name("app_id", &mut taken).as_deref(),
            Some("app_id_")
        );
    }

    #[test]
    fn type_names_avoid_the_generated_api_and_each_other() {
        let mut names = Names::default();
        assert_eq!(names.type_name("event"), "Event2");
        assert_eq!(names.type_name("background task"), "BackgroundTask");
        assert_eq!(names.type_name("BackgroundTask"), "BackgroundTask2");
        names.reserve("Ping".to_owned());
        assert_eq!(names.type_name("ping"), "Ping2");
    }

    #[test]
    fn event_names_that_give_no_free_rust_struct_name_get_a_rust_name() {
        let mut names = Names::default();
        assert_eq!(names.reserve_event("push"), None);
        assert_eq!(
            names.reserve_event("4xx.seen").as_deref(),
            Some("Event4xxSeen")
        );
        assert_eq!(names.reserve_event("a.b"), None);
        assert_eq!(names.reserve_event("a_b").as_deref(), Some("AB2"));
        assert_eq!(names.reserve_event("self").as_deref(), Some("Self2"));
        // `XY` and `Xy` are different structs with one visitor method, `visit_xy`.
        assert_eq!(names.reserve_event("x_y"), None);
        assert_eq!(names.reserve_event("xy").as_deref(), Some("Xy2"));
        // The types made afterwards avoid the structs and their exports' names.
        assert_eq!(names.type_name("push"), "Push2");
    }

    #[test]
    fn variants_are_upper_camel_case_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(
            variant_name("endpoint.replay", &mut taken),
            "EndpointReplay"
        );
        assert_eq!(
            variant_name("endpoint-replay", &mut taken),
            "EndpointReplay2"
        );
        assert_eq!(variant_name("other", &mut taken), "Other2");
        assert_eq!(variant_name("", &mut taken), "Empty");
    }
}

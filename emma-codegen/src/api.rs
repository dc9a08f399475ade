//! The resolved model of the API the generator emits: every name it will write, decided once,
//! before any token is.
//!
//! [`Api::new`] resolves a schema into the items at the root of the generated module (the
//! schema's types, the event structs and the generated items such as `Event` and the visitor
//! traits), the Rust name of every field, variant and visitor method, the parameters of every
//! constructor, the definitions of the JSON Schema and OpenAPI exports and the fields that must
//! be boxed, each with the span in the schema file it comes from. The Rust output
//! ([`crate::rust`]), the exports ([`crate::json_schema`]), the schema diff and `emma-schema
//! check` all read it, and [`Api::problems`] is every way those names collide or cannot be
//! Rust: a schema it finds no problem in generates code that compiles.
//!
//! This is the Rust naming policy; `emma-schema` only reads TOML into a model.

use crate::ident;
use emma_schema::{
    Diagnostic, EventDef, FieldDef, RenameRule, Schema, Span, TypeDef, TypeKind, TypeRef,
};
use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a name at the root of the generated module is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A struct with named fields: a type.
    Struct,
    /// A tuple struct: a type, and its constructor a value.
    TupleStruct,
    /// An enum: a type.
    Enum,
    /// A type alias.
    TypeAlias,
    /// A trait.
    Trait,
    /// A module (in the type namespace).
    Module,
    /// A function: a value.
    Function,
    /// A name of the runtime that a crate re-exports beside the generated API (emma-events
    /// does, for `ParseError` and the like): not emitted, but taken.
    RuntimeReexport,
}

/// Rust's namespaces at a module's root, as far as the generated items use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Namespace {
    /// Types, traits and modules.
    Type,
    /// Functions and tuple struct constructors.
    Value,
}

impl ItemKind {
    /// The namespaces an item of this kind takes its name in.
    pub fn namespaces(self) -> &'static [Namespace] {
        match self {
            ItemKind::TupleStruct | ItemKind::RuntimeReexport => {
                &[Namespace::Type, Namespace::Value]
            }
            ItemKind::Function => &[Namespace::Value],
            ItemKind::Struct
            | ItemKind::Enum
            | ItemKind::TypeAlias
            | ItemKind::Trait
            | ItemKind::Module => &[Namespace::Type],
        }
    }
}

/// Where a name of the API comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The generator's own (`Event`, `EventVisitor`, `json_schema`, ...).
    Generated,
    /// The runtime's, re-exported beside the generated API.
    Runtime,
    /// The schema's type of this name.
    Type(String),
    /// The event of this wire name.
    Event(String),
}

/// One item at the root of the generated module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootItem {
    /// Its Rust name.
    pub name: String,
    /// What it is, which decides its namespaces.
    pub kind: ItemKind,
    /// Where it comes from.
    pub origin: Origin,
    /// Where the schema names it, for items of the schema.
    pub span: Option<Span>,
}

/// A field of a generated struct (an event's, an object type's or the envelope's).
#[derive(Debug, Clone)]
pub struct FieldApi<'s> {
    /// The field as the schema declares it.
    pub def: &'s FieldDef,
    /// Its Rust name: the `rust_name`, or else the wire name.
    pub ident: String,
    /// Whether its value is boxed (the struct would otherwise contain itself).
    pub boxed: bool,
    /// Where its Rust name comes from (the `rust_name`, or else the field's name).
    pub span: Span,
}

impl FieldApi<'_> {
    /// The name of the constructor's parameter for this field: the field's own name, for the
    /// fields `new` takes (those that must be present).
    pub fn constructor_parameter(&self) -> Option<&str> {
        self.def.required.then_some(self.ident.as_str())
    }
}

/// A variant of a generated enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantApi {
    /// Its Rust name.
    pub name: String,
    /// The wire value it stands for; `None` for `Other`, which keeps unlisted values.
    pub wire: Option<String>,
    /// Where the schema names it (`None` for `Other`).
    pub span: Option<Span>,
}

/// A named type of the schema, as generated.
#[derive(Debug, Clone)]
pub struct TypeApi<'s> {
    /// The type as the schema declares it.
    pub def: &'s TypeDef,
    /// Its variants, for an enum (with `Other` last for an open one).
    pub variants: Vec<VariantApi>,
    /// Its fields, for an object type.
    pub fields: Vec<FieldApi<'s>>,
}

/// An event, as generated.
#[derive(Debug, Clone)]
pub struct EventApi<'s> {
    /// The event as the schema declares it.
    pub def: &'s EventDef,
    /// Its struct's name, which is also its variant of `Event` and of `EventKind`.
    pub struct_name: String,
    /// Its method in every visitor trait and its function in the `visit` module.
    pub visitor_method: String,
    /// Its fields.
    pub fields: Vec<FieldApi<'s>>,
    /// The name of its delivery's definition in the exports (`<struct>Delivery`).
    pub delivery_definition: String,
    /// Where its struct name comes from (the `rust_name`, or else the wire name).
    pub span: Span,
}

impl EventApi<'_> {
    /// The parameters of the struct's `new`: one per field that must be present, in order.
    pub fn constructor_parameters(&self) -> impl Iterator<Item = &str> {
        let data = self.def.data.is_some().then_some(DATA_FIELD);
        data.into_iter().chain(
            self.fields
                .iter()
                .filter_map(FieldApi::constructor_parameter),
        )
    }
}

/// A definition of the JSON Schema and OpenAPI exports (`$defs`, `components.schemas`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportDefinition {
    /// Its name.
    pub name: String,
    /// Where it comes from.
    pub origin: Origin,
    /// Where the schema names it, for definitions of the schema.
    pub span: Option<Span>,
}

/// The name under which the exports define the `oneOf` over the known events' deliveries
/// (under the `adjacent` and `internal` layouts; a `header` schema has no tag to discriminate
/// by): a discriminated union of the deliveries, which code generators turn into one type.
pub const KNOWN_DELIVERY: &str = "KnownDelivery";

/// The name under which the exports define a delivery of an event the schema does not know
/// (under the `adjacent` and `internal` layouts; a `header` schema has none).
pub const UNKNOWN_DELIVERY: &str = "UnknownDelivery";

/// The generated items at the root of every generated module, besides the schema's types and
/// the event structs; `Envelope` only when the schema declares envelope fields.
const GENERATED_ROOT_ITEMS: &[(&str, ItemKind)] = &[
    (PRIVATE_MODULE, ItemKind::Module),
    ("EventKind", ItemKind::Enum),
    ("Event", ItemKind::Enum),
    ("visit", ItemKind::Module),
    // The visitor traits are defined in the private module and re-exported here.
    ("EventVisitor", ItemKind::Trait),
    ("ExhaustiveEventVisitor", ItemKind::Trait),
    ("AsyncEventVisitor", ItemKind::Trait),
    ("ExhaustiveAsyncEventVisitor", ItemKind::Trait),
    ("json_schema", ItemKind::Function),
    ("openapi", ItemKind::Function),
];

/// The private module of the generated code: every struct's `new`, the visitor traits (which
/// the root re-exports) and `Event`'s dispatch. A module sees none of its parent's names, so
/// no constant of the caller's named like a parameter can capture it, and parameters and
/// generics there are named as a reader expects (`event`, `R`).
pub const PRIVATE_MODULE: &str = "__impls";

/// The generated struct of the envelope fields.
const ENVELOPE: &str = "Envelope";

/// Runtime names a crate may re-export beside the generated API, as emma-events does; a schema
/// name equal to one would shadow it there.
const RUNTIME_REEXPORTS: &[&str] = &[
    "UnknownEvent",
    "UnknownEventKind",
    "Delivered",
    "ParseError",
    "VisitorOutput",
];

/// The visitor methods every visitor trait has besides one per event.
const SHARED_VISITOR_METHODS: &[&str] = &["visit_unknown", "visit_unhandled"];

/// The variant of `Event` for events the schema does not know.
const UNKNOWN_VARIANT: &str = "Unknown";

/// The variant of an open enum that keeps values not listed.
const OTHER_VARIANT: &str = "Other";

/// The field every generated struct keeps undeclared keys in.
const EXTRA_FIELD: &str = "extra";

/// The one field of the struct of an event whose content is a type of any shape (`data =
/// "..."`), and the one parameter of its `new`.
pub const DATA_FIELD: &str = "data";

/// Types of Rust's prelude that a generated public name had better not shadow.
const PRELUDE: &[&str] = &["Option", "Result", "String", "Vec", "Box"];

/// Why a generated struct already has a field `name`, if it does.
fn reserved_field(name: &str) -> Option<&'static str> {
    (name == EXTRA_FIELD).then_some("is reserved for the keys a struct does not declare")
}

/// The resolved API of a schema: see the [module](self) documentation.
#[derive(Debug, Clone)]
pub struct Api<'s> {
    /// The schema it was resolved from.
    pub schema: &'s Schema,
    /// Every item at the root of the generated module (and the runtime names re-exported
    /// beside it), in the order they are generated.
    pub root_items: Vec<RootItem>,
    /// The schema's named types, in schema order.
    pub types: Vec<TypeApi<'s>>,
    /// The events, in schema order.
    pub events: Vec<EventApi<'s>>,
    /// The envelope's fields (the `Envelope` struct's).
    pub envelope_fields: Vec<FieldApi<'s>>,
    /// Every definition of the exports, in the order they are written.
    pub export_definitions: Vec<ExportDefinition>,
    problems: Vec<Diagnostic>,
}

impl<'s> Api<'s> {
    /// Resolves every name of the API generated from `schema`.
    ///
    /// Always succeeds; [`Api::problems`] says whether the names make Rust that compiles.
    pub fn new(schema: &'s Schema) -> Self {
        let holds = holds_directly(schema);
        let mut problems = Vec::new();
        let fields_of = |owner: Option<&str>,
                         fields: &'s [FieldDef],
                         context: &str,
                         problems: &mut Vec<Diagnostic>| {
            resolve_fields(owner, fields, context, &holds, problems)
        };
        let types: Vec<TypeApi<'s>> = schema
            .types
            .iter()
            .map(|def| {
                let context = format!("type `{}`", def.name);
                let (variants, fields) = match &def.kind {
                    TypeKind::Enum { values, open } => (
                        resolve_variants(values, *open, &context, &mut problems),
                        Vec::new(),
                    ),
                    TypeKind::Object { fields } => (
                        Vec::new(),
                        fields_of(Some(&def.name), fields, &context, &mut problems),
                    ),
                    // A tagged union keeps other tags' objects as `Other`, like an open enum.
                    TypeKind::Union { tag, variants } => {
                        let named: Vec<emma_schema::EnumValue> = variants
                            .iter()
                            .map(|variant| emma_schema::EnumValue {
                                wire: variant.value.clone().unwrap_or_default(),
                                variant: variant.variant.clone(),
                                doc: variant.doc.clone(),
                                span: variant.span,
                                variant_span: variant.span,
                            })
                            .collect();
                        (
                            resolve_variants(&named, tag.is_some(), &context, &mut problems),
                            Vec::new(),
                        )
                    }
                    _ => (Vec::new(), Vec::new()),
                };
                TypeApi {
                    def,
                    variants,
                    fields,
                }
            })
            .collect();
        let events: Vec<EventApi<'s>> = schema
            .events
            .iter()
            .map(|def| {
                let context = format!("event `{}`", def.name);
                let struct_name = struct_name_of(def);
                let span = def.rust_name.as_ref().map_or(def.span, |name| name.span);
                let visitor_method = format!("visit_{}", struct_name.to_snake_case());
                EventApi {
                    def,
                    delivery_definition: format!("{struct_name}Delivery"),
                    visitor_method,
                    fields: fields_of(None, &def.fields, &context, &mut problems),
                    struct_name,
                    span,
                }
            })
            .collect();
        let envelope_fields =
            fields_of(None, &schema.envelope.fields, "the envelope", &mut problems);
        let mut api = Api {
            schema,
            root_items: root_items(schema, &events),
            types,
            events,
            envelope_fields,
            export_definitions: Vec::new(),
            problems: Vec::new(),
        };
        api.export_definitions = export_definitions(&api);
        problems.extend(api.type_name_problems());
        problems.extend(api.event_name_problems());
        problems.sort_by_key(|problem| problem.span.map(|span| span.start));
        api.problems = problems;
        api
    }

    /// Every way the API's names collide, or are not Rust identifiers of the right case, each
    /// at the schema text it comes from, in the order of the file. Empty when the generated
    /// code compiles.
    pub fn problems(&self) -> &[Diagnostic] {
        &self.problems
    }

    /// What a schema may declare but had better not: generated public names that shadow a
    /// type of Rust's prelude (`Option`, `Result`, `String`, `Vec`, `Box`). The generated code
    /// compiles, but a user's `use generated::*;` then breaks their own code that means the
    /// prelude's.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        let types = self
            .types
            .iter()
            .filter(|ty| PRELUDE.contains(&ty.def.name.as_str()))
            .map(|ty| {
                Diagnostic::new(
                    Some(ty.def.span),
                    format!(
                        "type `{0}` shadows the prelude's `{0}` wherever the generated API is imported with `*`",
                        ty.def.name
                    ),
                )
                .with_help("rename the type, or import the generated names one by one")
            });
        let events = self
            .events
            .iter()
            .filter(|event| PRELUDE.contains(&event.struct_name.as_str()))
            .map(|event| {
                Diagnostic::new(
                    Some(event.span),
                    format!(
                        "event `{}` becomes a struct `{1}`, which shadows the prelude's `{1}` wherever the generated API is imported with `*`",
                        event.def.name, event.struct_name
                    ),
                )
                .with_help("give the event a `rust_name`")
            });
        types.chain(events).collect()
    }

    /// The event of this wire name.
    pub fn event(&self, wire_name: &str) -> Option<&EventApi<'s>> {
        self.events.iter().find(|event| event.def.name == wire_name)
    }

    /// The named type of this name.
    pub fn named_type(&self, name: &str) -> Option<&TypeApi<'s>> {
        self.types.iter().find(|ty| ty.def.name == name)
    }

    /// The names of the root items the generator writes, in order: [`Api::root_items`] but
    /// the runtime's names, which a crate re-exports itself (what
    /// [`crate::root_names`] reads back from the output).
    pub fn written_root_names(&self) -> impl Iterator<Item = &str> {
        self.root_items
            .iter()
            .filter(|item| item.origin != Origin::Runtime)
            .map(|item| item.name.as_str())
    }

    /// The variants of `Event`: one per event, then `Unknown`.
    pub fn event_variants(&self) -> impl Iterator<Item = &str> {
        self.events
            .iter()
            .map(|event| event.struct_name.as_str())
            .chain([UNKNOWN_VARIANT])
    }

    /// The methods of `EventVisitor` (and `AsyncEventVisitor`): one per event, then
    /// `visit_unknown` and `visit_unhandled`.
    pub fn visitor_methods(&self) -> impl Iterator<Item = &str> {
        self.events
            .iter()
            .map(|event| event.visitor_method.as_str())
            .chain(SHARED_VISITOR_METHODS.iter().copied())
    }

    /// The fields of the generated struct `name` (an event's, an object type's or `Envelope`),
    /// in order: the schema's, then `extra` (an event's or an object type's), which the
    /// generator adds; [`DATA_FIELD`] alone for an event whose content is declared by `data`.
    pub fn struct_fields(&self, name: &str) -> Option<Vec<&str>> {
        fn idents<'f>(fields: &'f [FieldApi<'_>]) -> Vec<&'f str> {
            fields.iter().map(|field| field.ident.as_str()).collect()
        }
        if let Some(event) = self.events.iter().find(|event| event.struct_name == name) {
            if event.def.data.is_some() {
                return Some(vec![DATA_FIELD]);
            }
            let mut fields = idents(&event.fields);
            fields.push(EXTRA_FIELD);
            return Some(fields);
        }
        if let Some(ty) = self
            .types
            .iter()
            .find(|ty| ty.def.name == name && matches!(ty.def.kind, TypeKind::Object { .. }))
        {
            let mut fields = idents(&ty.fields);
            fields.push(EXTRA_FIELD);
            return Some(fields);
        }
        (name == ENVELOPE && !self.envelope_fields.is_empty())
            .then(|| idents(&self.envelope_fields))
    }

    /// `(object type, field wire name)` for every field of an object type that is boxed.
    pub fn boxed_fields(&self) -> BTreeSet<(String, String)> {
        self.types
            .iter()
            .flat_map(|ty| {
                ty.fields
                    .iter()
                    .filter(|field| field.boxed)
                    .map(|field| (ty.def.name.clone(), field.def.name.clone()))
            })
            .collect()
    }

    /// Type names that are not UpperCamelCase identifiers, or that the API or the exports
    /// already take.
    fn type_name_problems(&self) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for ty in &self.types {
            let name = &ty.def.name;
            let span = Some(ty.def.span);
            if !is_type_name(name) {
                problems.push(
                    Diagnostic::new(
                        span,
                        format!("type name `{name}` is not an UpperCamelCase Rust identifier"),
                    )
                    .with_help(format!("name it `{}`", name.to_upper_camel_case())),
                );
            } else if let Some(item) = self.generated_item(name) {
                let what = match item.origin {
                    Origin::Runtime => "the runtime's names re-exported beside the generated API",
                    _ => "the generated API",
                };
                problems.push(Diagnostic::new(
                    span,
                    format!("type name `{name}` is reserved for {what}; choose another name"),
                ));
            } else if [KNOWN_DELIVERY, UNKNOWN_DELIVERY].contains(&name.as_str()) {
                problems.push(Diagnostic::new(
                    span,
                    format!(
                        "type name `{name}` is reserved for the JSON Schema and OpenAPI exports; choose another name"
                    ),
                ));
            }
        }
        problems
    }

    /// The generated (or re-exported) root item that takes `name` in the type namespace.
    fn generated_item(&self, name: &str) -> Option<&RootItem> {
        self.root_items.iter().find(|item| {
            matches!(item.origin, Origin::Generated | Origin::Runtime)
                && item.name == name
                && item.kind.namespaces().contains(&Namespace::Type)
        })
    }

    /// Event struct names that are not Rust type names, or that collide with a root item, an
    /// export definition, `Event::Unknown`, or whose visitor method collides.
    fn event_name_problems(&self) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let mut struct_names: HashMap<&str, &str> = HashMap::new();
        let mut methods: HashMap<&str, &str> = HashMap::new();
        let mut deliveries: HashMap<&str, &str> = HashMap::new();
        let help = "add `rust_name = \"...\"` to the event with another name";
        let other_help = "give one of them a different `rust_name`";
        for event in &self.events {
            let context = format!("event `{}`", event.def.name);
            let name = event.struct_name.as_str();
            let span = Some(event.span);
            let wire = event.def.name.as_str();
            if !is_type_name(name) {
                let message = match event.def.rust_name {
                    Some(_) => format!(
                        "`rust_name` `{name}` of {context} is not an UpperCamelCase Rust identifier"
                    ),
                    None => format!("{context} does not make a Rust type name (it gives `{name}`)"),
                };
                problems.push(
                    Diagnostic::new(span, message)
                        .with_help("add `rust_name = \"SomeName\"` to the event"),
                );
                continue;
            }
            if self.generated_item(name).is_some() || self.schema.named_type(name).is_some() {
                problems.push(
                    Diagnostic::new(
                        span,
                        format!(
                            "{context} would generate the struct `{name}`, a name already taken"
                        ),
                    )
                    .with_help(help),
                );
                continue;
            }
            let delivery = event.delivery_definition.as_str();
            if [KNOWN_DELIVERY, UNKNOWN_DELIVERY].contains(&delivery)
                || self.schema.named_type(delivery).is_some()
            {
                problems.push(
                    Diagnostic::new(
                        span,
                        format!(
                            "{context} would name its delivery `{delivery}` in the JSON Schema and OpenAPI exports, a name already taken"
                        ),
                    )
                    .with_help(help),
                );
                continue;
            }
            let method = event.visitor_method.as_str();
            if SHARED_VISITOR_METHODS.contains(&method) || name == UNKNOWN_VARIANT {
                problems.push(
                    Diagnostic::new(
                        span,
                        format!(
                            "{context} would generate the visitor method `{method}`, a name every visitor already has"
                        ),
                    )
                    .with_help(help),
                );
                continue;
            }
            let clash = if let Some(first) = struct_names.get(name) {
                Some(format!(
                    "{context} would generate the struct `{name}`, which event `{first}` already generates"
                ))
            } else if let Some(first) = methods.get(method) {
                Some(format!(
                    "{context} would generate the visitor method `{method}`, which event `{first}` already generates"
                ))
            } else if let Some(first) = deliveries.get(name) {
                Some(format!(
                    "{context} would generate the struct `{name}`, the name event `{first}` gives its delivery in the JSON Schema and OpenAPI exports"
                ))
            } else {
                struct_names.get(delivery).map(|first| {
                    format!(
                        "{context} would name its delivery `{delivery}` in the JSON Schema and OpenAPI exports, the struct event `{first}` generates"
                    )
                })
            };
            if let Some(message) = clash {
                problems.push(Diagnostic::new(span, message).with_help(other_help));
                continue;
            }
            struct_names.insert(name, wire);
            methods.insert(method, wire);
            deliveries.insert(delivery, wire);
        }
        problems
    }
}

/// The root items, in the order the generator writes them: the schema's types, `Envelope`,
/// the event structs, then the generated items; the runtime's re-exported names last.
fn root_items(schema: &Schema, events: &[EventApi<'_>]) -> Vec<RootItem> {
    let types = schema.types.iter().map(|def| RootItem {
        name: def.name.clone(),
        kind: match &def.kind {
            TypeKind::Id { .. } | TypeKind::Timestamp { .. } => ItemKind::TupleStruct,
            TypeKind::Selection { .. } => ItemKind::TypeAlias,
            TypeKind::Enum { .. } | TypeKind::Union { .. } => ItemKind::Enum,
            TypeKind::Object { .. } => ItemKind::Struct,
        },
        origin: Origin::Type(def.name.clone()),
        span: Some(def.span),
    });
    let envelope = (!schema.envelope.fields.is_empty()).then(|| RootItem {
        name: ENVELOPE.to_owned(),
        kind: ItemKind::Struct,
        origin: Origin::Generated,
        span: None,
    });
    let structs = events.iter().map(|event| RootItem {
        name: event.struct_name.clone(),
        kind: ItemKind::Struct,
        origin: Origin::Event(event.def.name.clone()),
        span: Some(event.span),
    });
    let generated = GENERATED_ROOT_ITEMS.iter().map(|(name, kind)| RootItem {
        name: (*name).to_owned(),
        kind: *kind,
        origin: Origin::Generated,
        span: None,
    });
    let runtime = RUNTIME_REEXPORTS.iter().map(|name| RootItem {
        name: (*name).to_owned(),
        kind: ItemKind::RuntimeReexport,
        origin: Origin::Runtime,
        span: None,
    });
    types
        .chain(envelope)
        .chain(structs)
        .chain(generated)
        .chain(runtime)
        .collect()
}

/// The exports' definitions, in the order they are written: the schema's types, then per event
/// its data and its delivery, then the two unions of deliveries.
fn export_definitions(api: &Api<'_>) -> Vec<ExportDefinition> {
    let types = api.types.iter().map(|ty| ExportDefinition {
        name: ty.def.name.clone(),
        origin: Origin::Type(ty.def.name.clone()),
        span: Some(ty.def.span),
    });
    let events = api.events.iter().flat_map(|event| {
        [&event.struct_name, &event.delivery_definition].map(|name| ExportDefinition {
            name: name.clone(),
            origin: Origin::Event(event.def.name.clone()),
            span: Some(event.span),
        })
    });
    let unions = [KNOWN_DELIVERY, UNKNOWN_DELIVERY].map(|name| ExportDefinition {
        name: name.to_owned(),
        origin: Origin::Generated,
        span: None,
    });
    types.chain(events).chain(unions).collect()
}

/// The variants of an enum, checking each is an UpperCamelCase identifier, unique, and (for an
/// open enum) not `Other`, which follows the listed ones.
fn resolve_variants(
    values: &[emma_schema::EnumValue],
    open: bool,
    context: &str,
    problems: &mut Vec<Diagnostic>,
) -> Vec<VariantApi> {
    let mut variants: Vec<VariantApi> = Vec::new();
    for value in values {
        let name = &value.variant;
        let span = Some(value.variant_span);
        if !is_type_name(name) {
            problems.push(
                Diagnostic::new(
                    span,
                    format!(
                        "variant `{name}` of {context} is not an UpperCamelCase Rust identifier"
                    ),
                )
                .with_help(format!("name it `{}`", name.to_upper_camel_case())),
            );
        } else if open && name == OTHER_VARIANT {
            problems.push(
                Diagnostic::new(
                    span,
                    format!("variant name `Other` of {context} is reserved for values not listed"),
                )
                .with_help("choose another name, or close the enum with `open = false`"),
            );
        } else if variants.iter().any(|variant| &variant.name == name) {
            problems.push(Diagnostic::new(
                span,
                format!("duplicate variant `{name}` in {context}"),
            ));
        }
        variants.push(VariantApi {
            name: name.clone(),
            wire: Some(value.wire.clone()),
            span,
        });
    }
    if open {
        variants.push(VariantApi {
            name: OTHER_VARIANT.to_owned(),
            wire: None,
            span: None,
        });
    }
    variants
}

/// The fields of a struct, with their Rust names and boxing, checking each name.
fn resolve_fields<'s>(
    owner: Option<&str>,
    fields: &'s [FieldDef],
    context: &str,
    holds: &BTreeMap<&str, BTreeSet<&str>>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<FieldApi<'s>> {
    let mut resolved: Vec<FieldApi<'s>> = Vec::new();
    for def in fields {
        let field_context = format!("field `{}` of {context}", def.name);
        let ident = field_ident_of(def).into_owned();
        let span = def.rust_name.as_ref().map_or(def.span, |name| name.span);
        let unruly = def.rust_name.is_none()
            && def
                .rename_all
                .is_some_and(|rule| rule.rust_name_of(&def.name).is_none());
        let problem = if unruly {
            let rule = def.rename_all.map(RenameRule::name).unwrap_or_default();
            Some(format!(
                "the key `{}` does not follow its `rename_all = \"{rule}\"` (no snake_case name gives it back)",
                def.name
            ))
        } else if !ident::is_snake_case(&ident) {
            Some(format!("`{ident}` is not a snake_case Rust identifier"))
        } else if ident::is_keyword(&ident) {
            Some(format!("`{ident}` is a Rust keyword"))
        } else {
            reserved_field(&ident).map(|reason| format!("`{ident}` {reason}"))
        };
        if let Some(problem) = problem {
            let suggestion = match ident.to_snake_case() {
                snake
                    if ident::is_snake_case(&snake)
                        && !ident::is_keyword(&snake)
                        && reserved_field(&snake).is_none() =>
                {
                    snake
                }
                // A trailing underscore turns a keyword or a reserved name into a usable one.
                snake => format!("{snake}_"),
            };
            let help = match def.rust_name {
                Some(_) => format!("use a name such as `{suggestion}`"),
                None => format!("keep the wire name and add `rust_name = \"{suggestion}\"`"),
            };
            problems.push(
                Diagnostic::new(Some(span), format!("{field_context}: {problem}")).with_help(help),
            );
        } else if resolved.iter().any(|field| field.ident == ident) {
            problems.push(Diagnostic::new(
                Some(def.span),
                format!(
                    "{field_context} has the Rust name `{ident}`, which another field of {context} already has"
                ),
            ));
        }
        let boxed = match (owner, &def.ty) {
            (Some(owner), TypeRef::Named(held)) => {
                held == owner
                    || holds
                        .get(held.as_str())
                        .is_some_and(|reached| reached.contains(owner))
            }
            _ => false,
        };
        resolved.push(FieldApi {
            def,
            ident,
            boxed,
            span,
        });
    }
    resolved
}

/// The struct name of an event: its `rust_name`, or else its wire name in UpperCamelCase
/// (`member_signup` gives `MemberSignup`).
pub fn struct_name_of(event: &EventDef) -> String {
    match &event.rust_name {
        Some(rust_name) => rust_name.text.clone(),
        None => event.name.to_upper_camel_case(),
    }
}

/// The Rust name of a field: its `rust_name`, or else its key in snake_case under its
/// `rename_all` (when the rule gives the key back), or else its key.
pub fn field_ident_of(field: &FieldDef) -> std::borrow::Cow<'_, str> {
    match (&field.rust_name, field.rename_all) {
        (Some(rust_name), _) => rust_name.text.as_str().into(),
        (None, Some(rule)) => rule
            .rust_name_of(&field.name)
            .map_or(field.name.as_str().into(), Into::into),
        (None, None) => field.name.as_str().into(),
    }
}

/// Whether `name` can be used as it is for a generated type or variant.
fn is_type_name(name: &str) -> bool {
    ident::is_upper_camel_case(name) && !ident::is_keyword(name)
}

/// For each object or union type, every object or union type reachable through direct fields
/// and variants (not through a list or a map): a field of `A` that holds `B` directly needs a
/// `Box` when `B` holds `A`, or the struct would contain itself.
fn holds_directly(schema: &Schema) -> BTreeMap<&str, BTreeSet<&str>> {
    // Objects hold their fields' values, and unions their variants' values, in place.
    let holds_in_place = |name: &&str| {
        matches!(
            schema.named_type(name).map(|def| &def.kind),
            Some(TypeKind::Object { .. } | TypeKind::Union { .. })
        )
    };
    fn named(ty: &TypeRef) -> Option<&str> {
        match ty {
            TypeRef::Named(name) => Some(name.as_str()),
            _ => None,
        }
    }
    let direct: BTreeMap<&str, Vec<&str>> = schema
        .types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Object { fields } => Some((
                def.name.as_str(),
                fields
                    .iter()
                    .filter_map(|field| named(&field.ty))
                    .filter(holds_in_place)
                    .collect(),
            )),
            TypeKind::Union { variants, .. } => Some((
                def.name.as_str(),
                variants
                    .iter()
                    .filter_map(|variant| named(&variant.ty))
                    .filter(holds_in_place)
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    direct
        .keys()
        .map(|start| {
            let mut reached = BTreeSet::new();
            let mut pending: Vec<&str> = direct[start].clone();
            while let Some(next) = pending.pop() {
                if reached.insert(next) {
                    pending.extend(direct.get(next).into_iter().flatten().copied());
                }
            }
            (*start, reached)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The problems of `source`, rendered as `file:line:column: message; help`; the schema
    /// must read.
    fn problems(source: &str) -> Vec<String> {
        match crate::parse(source, "events.toml") {
            Ok(_) => Vec::new(),
            Err(error) => error
                .diagnostics
                .iter()
                .map(|diagnostic| error.render(diagnostic))
                .collect(),
        }
    }

    fn schema(source: &str) -> Schema {
        emma_schema::parse(source, "events.toml").unwrap_or_else(|error| panic!("{error}"))
    }

    /// An event without fields, with a `rust_name` when given.
    fn bare_event(name: &str, rust_name: Option<&str>) -> String {
        let rust_name = rust_name
            .map(|rust_name| format!("rust_name = \"{rust_name}\"\n"))
            .unwrap_or_default();
        format!(
            "[[events]]\nname = \"{name}\"\n{rust_name}summary = \"s\"\ndescription = \"d\"\nfields = []\nexamples = ['{{\"event_name\": \"{name}\", \"data\": {{}}}}']\n\n"
        )
    }

    /// One event `ping` with `fields` (inline tables, on the fifth line after `types`) and `data` as its example's.
    fn ping(types: &str, fields: &str, data: &str) -> String {
        format!(
            "{types}[[events]]\nname = \"ping\"\nsummary = \"s\"\ndescription = \"d\"\nfields = [{fields}]\nexamples = ['{{\"event_name\": \"ping\", \"data\": {data}}}']\n"
        )
    }

    #[test]
    fn event_structs_are_named_after_the_wire_name_unless_renamed() {
        let schema =
            schema(&(bare_event("member_signup", None) + &bare_event("1st", Some("First"))));
        let api = Api::new(&schema);
        let names: Vec<(&str, &str, &str)> = api
            .events
            .iter()
            .map(|event| {
                (
                    event.struct_name.as_str(),
                    event.visitor_method.as_str(),
                    event.delivery_definition.as_str(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                (
                    "MemberSignup",
                    "visit_member_signup",
                    "MemberSignupDelivery"
                ),
                ("First", "visit_first", "FirstDelivery"),
            ]
        );
        assert!(api.problems().is_empty(), "{:#?}", api.problems());
    }

    #[test]
    fn an_event_without_a_usable_struct_name_needs_a_rust_name() {
        assert_eq!(
            problems(&bare_event("1st", None)),
            [
                "events.toml:2:8: event `1st` does not make a Rust type name (it gives `1st`); add `rust_name = \"SomeName\"` to the event"
            ]
        );
        assert_eq!(
            problems(&bare_event("x", Some("lower"))),
            [
                "events.toml:3:13: `rust_name` `lower` of event `x` is not an UpperCamelCase Rust identifier; add `rust_name = \"SomeName\"` to the event"
            ]
        );
    }

    #[test]
    fn an_event_struct_may_not_take_a_generated_name_or_a_type_s() {
        for taken in ["event", "event_kind", "envelope_x", "parse_error"] {
            let found = problems(&bare_event(taken, None));
            let struct_name = taken.to_upper_camel_case();
            if taken == "envelope_x" {
                // Only `Envelope` itself is taken, and only with envelope fields.
                assert!(found.is_empty(), "{found:#?}");
                continue;
            }
            assert_eq!(
                found,
                [format!(
                    "events.toml:2:8: event `{taken}` would generate the struct `{struct_name}`, a name already taken; add `rust_name = \"...\"` to the event with another name"
                )]
            );
        }
        let typed = "[types.MemberId]\nkind = \"id\"\ndoc = \"d\"\n\n".to_owned()
            + &bare_event("member_id", None);
        assert_eq!(
            problems(&typed),
            [
                "events.toml:6:8: event `member_id` would generate the struct `MemberId`, a name already taken; add `rust_name = \"...\"` to the event with another name"
            ]
        );
    }

    #[test]
    fn events_whose_structs_give_the_same_visitor_method_are_rejected() {
        // `XY` and `Xy` are different structs, but both give `visit_xy`.
        let found = problems(&(bare_event("x_y", None) + &bare_event("xy", None)));
        assert_eq!(
            found,
            [
                "events.toml:9:8: event `xy` would generate the visitor method `visit_xy`, which event `x_y` already generates; give one of them a different `rust_name`"
            ]
        );
    }

    #[test]
    fn two_events_may_not_generate_the_same_struct() {
        let found = problems(&(bare_event("a", Some("Same")) + &bare_event("b", Some("Same"))));
        assert_eq!(
            found,
            [
                "events.toml:11:13: event `b` would generate the struct `Same`, which event `a` already generates; give one of them a different `rust_name`"
            ]
        );
    }

    #[test]
    fn an_event_struct_may_not_be_the_export_name_of_another_event_s_delivery() {
        assert_eq!(
            problems(&(bare_event("x", None) + &bare_event("x_delivery", None))),
            [
                "events.toml:9:8: event `x_delivery` would generate the struct `XDelivery`, the name event `x` gives its delivery in the JSON Schema and OpenAPI exports; give one of them a different `rust_name`"
            ]
        );
        assert_eq!(
            problems(&(bare_event("x_delivery", None) + &bare_event("x", None))),
            [
                "events.toml:9:8: event `x` would name its delivery `XDelivery` in the JSON Schema and OpenAPI exports, the struct event `x_delivery` generates; give one of them a different `rust_name`"
            ]
        );
        assert!(
            problems(&(bare_event("x", None) + &bare_event("x_delivery", Some("XHandedOver"))))
                .is_empty()
        );
    }

    #[test]
    fn an_event_may_not_name_an_exported_definition_already_taken() {
        for (name, definition) in [("known", "KnownDelivery"), ("unknown_x", "")] {
            let found = problems(&bare_event(name, None));
            if definition.is_empty() {
                assert!(found.is_empty(), "{found:#?}");
                continue;
            }
            assert_eq!(
                found,
                [format!(
                    "events.toml:2:8: event `{name}` would name its delivery `{definition}` in the JSON Schema and OpenAPI exports, a name already taken; add `rust_name = \"...\"` to the event with another name"
                )]
            );
        }
        let typed = "[types.MadeDelivery]\nkind = \"timestamp\"\ndoc = \"t\"\n\n".to_owned()
            + &bare_event("made", None);
        assert_eq!(
            problems(&typed),
            [
                "events.toml:6:8: event `made` would name its delivery `MadeDelivery` in the JSON Schema and OpenAPI exports, a name already taken; add `rust_name = \"...\"` to the event with another name"
            ]
        );
    }

    #[test]
    fn an_event_may_not_take_a_visitor_method_or_variant_every_visitor_has() {
        assert_eq!(
            problems(&bare_event("unhandled", None)),
            [
                "events.toml:2:8: event `unhandled` would generate the visitor method `visit_unhandled`, a name every visitor already has; add `rust_name = \"...\"` to the event with another name"
            ]
        );
        let found = problems(&bare_event("lost", Some("UNKNOWN")));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].contains("would generate the visitor method `visit_unknown`"),
            "{found:#?}"
        );
    }

    #[test]
    fn type_names_must_be_upper_camel_case_and_not_taken() {
        let declare = |name: &str| {
            format!("[types.{name}]\nkind = \"id\"\ndoc = \"d\"\n\n") + &bare_event("ping", None)
        };
        assert!(problems(&declare("MemberId")).is_empty());
        assert_eq!(
            problems(&declare("member_id")),
            [
                "events.toml:1:8: type name `member_id` is not an UpperCamelCase Rust identifier; name it `MemberId`"
            ]
        );
        for generated in [
            "EventKind",
            "Event",
            "EventVisitor",
            "ExhaustiveEventVisitor",
            "AsyncEventVisitor",
            "ExhaustiveAsyncEventVisitor",
        ] {
            assert_eq!(
                problems(&declare(generated)),
                [format!(
                    "events.toml:1:8: type name `{generated}` is reserved for the generated API; choose another name"
                )]
            );
        }
        assert_eq!(
            problems(&declare("ParseError")),
            [
                "events.toml:1:8: type name `ParseError` is reserved for the runtime's names re-exported beside the generated API; choose another name"
            ]
        );
        for export in ["KnownDelivery", "UnknownDelivery"] {
            assert_eq!(
                problems(&declare(export)),
                [format!(
                    "events.toml:1:8: type name `{export}` is reserved for the JSON Schema and OpenAPI exports; choose another name"
                )]
            );
        }
        assert!(!problems(&declare("Self")).is_empty());
    }

    /// `docs/schema-format.md` lists the names a type may not take; the list is the model's:
    /// every generated or re-exported root type name and the exports' unions are in it.
    #[test]
    fn the_format_docs_name_every_type_name_the_model_takes() {
        let docs = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/schema-format.md"),
        )
        .unwrap();
        let (_, rest) = docs
            .split_once("`<Name>` is the Rust type name")
            .expect("the paragraph on type names");
        let (paragraph, _) = rest.split_once("\n\n").unwrap();
        let schema = schema(
            &("[envelope]\nfields = [{ name = \"at\", type = \"string\", required = false, doc = \"d\" }]\n\n"
                .to_owned()
                + &bare_event("ping", None)),
        );
        let api = Api::new(&schema);
        let taken = api
            .root_items
            .iter()
            .filter(|item| matches!(item.origin, Origin::Generated | Origin::Runtime))
            .filter(|item| item.kind.namespaces().contains(&Namespace::Type))
            .map(|item| item.name.as_str())
            .filter(|name| is_type_name(name))
            .chain([KNOWN_DELIVERY, UNKNOWN_DELIVERY]);
        for name in taken {
            assert!(
                paragraph.contains(&format!("`{name}`")),
                "docs/schema-format.md does not list `{name}` among the names a type may not take"
            );
        }
    }

    #[test]
    fn the_envelope_struct_is_taken_only_when_the_schema_declares_envelope_fields() {
        let declare = |envelope: &str| {
            format!("{envelope}[types.Envelope]\nkind = \"id\"\ndoc = \"d\"\n\n")
                + &bare_event("ping", None)
        };
        assert!(problems(&declare("")).is_empty());
        let with_fields = problems(&declare(
            "[envelope]\nfields = [{ name = \"at\", type = \"string\", required = false, doc = \"d\" }]\n\n",
        ));
        assert_eq!(
            with_fields,
            [
                "events.toml:4:8: type name `Envelope` is reserved for the generated API; choose another name"
            ]
        );
    }

    #[test]
    fn the_variant_other_is_kept_for_unlisted_values_of_open_enums() {
        let status = |open: bool, variant: &str| {
            ping(
                &format!(
                    "[types.Status]\nkind = \"enum\"\nopen = {open}\ndoc = \"d\"\nvalues = [{{ wire = \"a\", variant = \"{variant}\", doc = \"d\" }}]\n\n"
                ),
                r#"{ name = "s", type = "Status", required = false, doc = "d" }"#,
                "{}",
            )
        };
        assert_eq!(
            problems(&status(true, "Other")),
            [
                "events.toml:5:35: variant name `Other` of type `Status` is reserved for values not listed; choose another name, or close the enum with `open = false`"
            ]
        );
        assert!(problems(&status(false, "Other")).is_empty());
        assert_eq!(
            problems(&status(true, "active")),
            [
                "events.toml:5:35: variant `active` of type `Status` is not an UpperCamelCase Rust identifier; name it `Active`"
            ]
        );
        let schema = schema(&status(true, "Active"));
        let api = Api::new(&schema);
        let variants: Vec<&str> = api.types[0]
            .variants
            .iter()
            .map(|variant| variant.name.as_str())
            .collect();
        assert_eq!(variants, ["Active", "Other"]);
    }

    #[test]
    fn two_values_may_not_share_a_variant() {
        let source = ping(
            "[types.Status]\nkind = \"enum\"\ndoc = \"d\"\nvalues = [{ wire = \"a\", variant = \"A\", doc = \"d\" }, { wire = \"b\", variant = \"A\", doc = \"d\" }]\n\n",
            r#"{ name = "s", type = "Status", required = false, doc = "d" }"#,
            "{}",
        );
        assert_eq!(
            problems(&source),
            ["events.toml:4:77: duplicate variant `A` in type `Status`"]
        );
    }

    #[test]
    fn rename_all_gives_fields_their_snake_case_names_and_an_owner_may_choose_its_own() {
        let source = format!(
            "[schema]\nrename_all = \"camelCase\"\n\n{}",
            ping(
                "[types.Attempt]\nkind = \"object\"\ndoc = \"d\"\nrename_all = \"kebab-case\"\nfields = [{ name = \"status-code\", type = \"u16\", doc = \"d\" }]\n\n",
                r#"{ name = "msgId", type = "string", doc = "d" }, { name = "type", rust_name = "kind", type = "string", doc = "d" }, { name = "id", type = "string", doc = "d" }, { name = "last", type = "Attempt", required = false, doc = "d" }"#,
                r#"{"msgId": "m", "type": "t", "id": "i"}"#,
            )
        );
        let schema = schema(&source);
        let api = Api::new(&schema);
        assert!(api.problems().is_empty(), "{:?}", api.problems());
        let idents: Vec<&str> = api.events[0]
            .fields
            .iter()
            .map(|field| field.ident.as_str())
            .collect();
        assert_eq!(idents, ["msg_id", "kind", "id", "last"]);
        let TypeKind::Object { fields } = &schema.types[0].kind else {
            panic!("an object")
        };
        assert_eq!(field_ident_of(&fields[0]), "status_code");
        // Written back, the rules stay where they were declared and no `rust_name` is added.
        let written = emma_schema::to_toml(&schema, "");
        assert!(
            written.contains("[schema]\nrename_all = \"camelCase\"\n"),
            "{written}"
        );
        assert!(
            written.contains("rename_all = \"kebab-case\"\nfields"),
            "{written}"
        );
        assert!(
            written.contains(r#"{ name = "msgId", type = "string", doc"#),
            "{written}"
        );
        let again =
            emma_schema::parse(&written, "again.toml").unwrap_or_else(|error| panic!("{error}"));
        let unspanned = |fields: &[FieldDef]| -> Vec<(String, Option<String>, Option<RenameRule>)> {
            fields
                .iter()
                .map(|field| {
                    let rust_name = field.rust_name.as_ref().map(|name| name.text.clone());
                    (field.name.clone(), rust_name, field.rename_all)
                })
                .collect()
        };
        assert_eq!(
            unspanned(&again.events[0].fields),
            unspanned(&schema.events[0].fields)
        );
    }

    #[test]
    fn a_key_that_does_not_follow_its_rename_all_needs_a_rust_name() {
        let source = format!(
            "[schema]\nrename_all = \"camelCase\"\n\n{}",
            ping(
                "",
                r#"{ name = "msg_id", type = "string", doc = "d" }"#,
                r#"{"msg_id": "m"}"#
            )
        );
        let found = problems(&source);
        assert!(
            found[0].contains("field `msg_id` of event `ping`: the key `msg_id` does not follow its `rename_all = \"camelCase\"`"),
            "{found:#?}"
        );
        assert!(
            found[0].contains("add `rust_name = \"msg_id\"`"),
            "{found:#?}"
        );
        let unknown = problems("[schema]\nrename_all = \"camelcase\"\n");
        assert!(
            unknown.iter().any(
                |problem| problem.contains("unknown `rename_all` rule `camelcase`")
                    && problem.contains("camelCase")
            ),
            "{unknown:#?}"
        );
    }

    #[test]
    fn a_field_name_that_cannot_be_rust_gets_a_usable_suggestion() {
        let field = |spec: &str| problems(&ping("", spec, "{}"));
        assert!(
            field(r#"{ name = "member_id", type = "u64", required = false, doc = "d" }"#)
                .is_empty()
        );
        assert!(field(r#"{ name = "type", rust_name = "kind", type = "u64", required = false, doc = "d" }"#).is_empty());
        assert_eq!(
            field(r#"{ name = "memberId", type = "u64", required = false, doc = "d" }"#),
            [
                "events.toml:5:20: field `memberId` of event `ping`: `memberId` is not a snake_case Rust identifier; keep the wire name and add `rust_name = \"member_id\"`"
            ]
        );
        assert_eq!(
            field(r#"{ name = "type", type = "u64", required = false, doc = "d" }"#),
            [
                "events.toml:5:20: field `type` of event `ping`: `type` is a Rust keyword; keep the wire name and add `rust_name = \"type_\"`"
            ]
        );
        assert_eq!(
            field(
                r#"{ name = "a", rust_name = "extra", type = "u64", required = false, doc = "d" }"#
            ),
            [
                "events.toml:5:37: field `a` of event `ping`: `extra` is reserved for the keys a struct does not declare; use a name such as `extra_`"
            ]
        );
        // The envelope is the delivery's, not a field of the event's struct.
        assert!(
            field(r#"{ name = "envelope", type = "json", required = false, doc = "x" }"#)
                .is_empty()
        );
    }

    #[test]
    fn object_types_and_the_envelope_may_not_have_a_field_named_extra() {
        let object = "[types.Thing]\nkind = \"object\"\ndoc = \"x\"\nfields = [{ name = \"envelope\", type = \"u64\", required = false, doc = \"x\" }, { name = \"extra\", type = \"json\", required = false, doc = \"x\" }]\n\n";
        assert_eq!(
            problems(&ping(
                object,
                r#"{ name = "t", type = "Thing", required = false, doc = "d" }"#,
                "{}"
            )),
            [
                "events.toml:4:86: field `extra` of type `Thing`: `extra` is reserved for the keys a struct does not declare; keep the wire name and add `rust_name = \"extra_\"`"
            ]
        );
        let envelope = "[envelope]\nfields = [{ name = \"extra\", type = \"json\", required = false, doc = \"x\" }]\n\n";
        assert_eq!(
            problems(&ping(envelope, "", "{}")),
            [
                "events.toml:2:20: field `extra` of the envelope: `extra` is reserved for the keys a struct does not declare; keep the wire name and add `rust_name = \"extra_\"`"
            ]
        );
    }

    #[test]
    fn two_fields_may_not_share_a_rust_name() {
        let found = problems(&ping(
            "",
            r#"{ name = "a", rust_name = "value", type = "u64", required = false, doc = "d" }, { name = "b", rust_name = "value", type = "u64", required = false, doc = "d" }"#,
            "{}",
        ));
        assert_eq!(
            found,
            [
                "events.toml:5:100: field `b` of event `ping` has the Rust name `value`, which another field of event `ping` already has"
            ]
        );
    }

    #[test]
    fn a_field_of_an_object_that_holds_its_owner_directly_is_boxed() {
        let source = ping(
            "[types.Tree]\nkind = \"object\"\ndoc = \"d\"\nfields = [{ name = \"child\", type = \"Tree\", required = false, doc = \"d\" }, { name = \"children\", type = \"list<Tree>\", required = false, doc = \"d\" }]\n\n",
            r#"{ name = "t", type = "Tree", required = false, doc = "d" }"#,
            "{}",
        );
        let schema = schema(&source);
        let api = Api::new(&schema);
        assert_eq!(
            api.boxed_fields(),
            BTreeSet::from([("Tree".to_owned(), "child".to_owned())])
        );
        assert!(!api.events[0].fields[0].boxed);
    }

    #[test]
    fn the_constructor_takes_the_required_fields_by_their_rust_names_in_order() {
        let schema = schema(&ping(
            "",
            r#"{ name = "b", type = "u64", doc = "d" }, { name = "c", type = "u64", required = false, doc = "d" }, { name = "type", rust_name = "kind", type = "u64", doc = "d" }"#,
            r#"{"b": 1, "type": 2}"#,
        ));
        let api = Api::new(&schema);
        assert_eq!(
            api.events[0].constructor_parameters().collect::<Vec<_>>(),
            ["b", "kind"]
        );
    }

    #[test]
    fn prelude_names_are_warnings_not_problems() {
        let source = "[types.Option]\nkind = \"id\"\ndoc = \"d\"\n\n".to_owned()
            + &bare_event("result", None);
        let schema = schema(&source);
        let api = Api::new(&schema);
        assert!(api.problems().is_empty());
        let warnings: Vec<String> = api.warnings().into_iter().map(|w| w.message).collect();
        assert_eq!(
            warnings,
            [
                "type `Option` shadows the prelude's `Option` wherever the generated API is imported with `*`",
                "event `result` becomes a struct `Result`, which shadows the prelude's `Result` wherever the generated API is imported with `*`",
            ]
        );
    }

    /// The root items the model names are exactly the items the generator writes at the root
    /// (but the runtime's names, which a crate re-exports itself), in the same order.
    #[cfg(feature = "format")]
    #[test]
    fn the_model_names_every_root_item_the_generator_writes() {
        let source = "[envelope]\nfields = [{ name = \"at\", type = \"string\", required = false, doc = \"d\" }]\n\n".to_owned()
            + "[types.Id]\nkind = \"id\"\ndoc = \"d\"\n\n[types.At]\nkind = \"timestamp\"\ndoc = \"d\"\n\n[types.Ids]\nkind = \"selection\"\nitem = \"Id\"\ndoc = \"d\"\n\n"
            + "[types.Colour]\nkind = \"enum\"\ndoc = \"d\"\nvalues = [{ wire = \"r\", variant = \"Red\", doc = \"d\" }]\n\n"
            + "[types.Thing]\nkind = \"object\"\ndoc = \"d\"\nfields = [{ name = \"id\", type = \"Id\", doc = \"d\" }]\n\n"
            + &bare_event("ping", None)
            + &bare_event("pong", None);
        let schema = schema(&source);
        let api = Api::new(&schema);
        let file = crate::syntax_tree(&schema, &crate::Options::default()).unwrap();
        let written = crate::root_names(&file);
        assert_eq!(written, api.written_root_names().collect::<Vec<_>>());
    }
}

//! The validated schema model: what code generation and the exports read.

/// A byte range in the schema source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl From<std::ops::Range<usize>> for Span {
    fn from(range: std::ops::Range<usize>) -> Self {
        Span {
            start: range.start,
            end: range.end,
        }
    }
}

/// A whole schema: its shared named types and its events, in declaration order.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// What the exports are named after: the bundle is `{name}.schema.json` (`name`, default
    /// `webhooks`).
    pub name: String,
    /// The version of the webhooks described, the OpenAPI document's `info.version`, at
    /// build time and in `emma-schema export` alike (`version`, default `0.0.0`).
    pub version: String,
    /// A short title for the set of events (used in exports).
    pub title: String,
    /// A longer description of the set of events.
    pub description: String,
    /// How a delivery carries the event's name and data (`[envelope]`).
    pub envelope: Envelope,
    /// Shared named types, in declaration order.
    pub types: Vec<TypeDef>,
    /// Events, in declaration order.
    pub events: Vec<EventDef>,
}

impl Schema {
    /// Finds a named type by its name.
    pub fn named_type(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|def| def.name == name)
    }

    /// Finds an event by its wire name.
    pub fn event(&self, wire_name: &str) -> Option<&EventDef> {
        self.events.iter().find(|event| event.name == wire_name)
    }
}

/// How a delivery carries the event's name and data: the `[envelope]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// Where the event's name is and where its fields are.
    pub layout: Layout,
    /// Typed top-level fields every delivery carries besides the name and the data (Standard
    /// Webhooks' `timestamp`, say); empty when the schema declares none.
    pub fields: Vec<FieldDef>,
    /// What makes two deliveries the same delivery, for a store that keeps each once.
    pub dedupe: Dedupe,
    /// Where the `[envelope]` table is; `None` when the schema has none.
    pub span: Option<Span>,
}

impl Default for Envelope {
    /// `{"event_name": ..., "data": {...}}`, Emma's shape, with no envelope fields.
    fn default() -> Self {
        Envelope {
            layout: Layout::Adjacent {
                tag: "event_name".to_owned(),
                content: "data".to_owned(),
            },
            fields: Vec::new(),
            dedupe: Dedupe::BodyHash,
            span: None,
        }
    }
}

/// What makes two deliveries the same delivery (`dedupe` of `[envelope]`): a provider that
/// sends a delivery id names where it is; one that does not is deduplicated by the body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Dedupe {
    /// The same body is the same delivery (`"body-hash"`, the default).
    #[default]
    BodyHash,
    /// No two deliveries are the same (`"off"`).
    Off,
    /// The value of this HTTP header (`"header:webhook-id"`).
    Header(String),
    /// The value at this JSON pointer into the body (`"field:/id"`).
    Field(String),
}

/// Where a delivery carries the event's name and its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// `{TAG: name, CONTENT: {...fields}}`, keys in any order (`layout = "adjacent"`).
    Adjacent {
        /// The key holding the event's name (`tag`, default `event_name`).
        tag: String,
        /// The key holding the event's fields (`content`, default `data`).
        content: String,
    },
    /// `{TAG: name, ...fields}`: the fields sit beside the name (`layout = "internal"`).
    Internal {
        /// The key holding the event's name (`tag`, default `type`).
        tag: String,
    },
    /// The name arrives out of band, in an HTTP header; the body is the event's fields
    /// (`layout = "header"`).
    Header {
        /// The header's name, e.g. `X-GitHub-Event`.
        header: String,
    },
}

/// A shared named type, such as an ID newtype or the member status.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The type's name, an UpperCamelCase Rust identifier.
    pub name: String,
    /// Its documentation.
    pub doc: String,
    /// What kind of type it is.
    pub kind: TypeKind,
    /// Where its name is declared.
    pub span: Span,
}

/// The kinds of named type a schema can declare.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An opaque identifier (`kind = "id"`).
    Id {
        /// What it is on the wire (`repr`, default `u64`).
        repr: IdRepr,
    },
    /// A point in time, kept as the exact string received, read in the forms the schema
    /// declares (`formats`).
    Timestamp {
        /// The forms the typed view tries, in order: chrono `strftime` patterns, or
        /// [`TIMESTAMP_RFC3339`]. `["rfc3339"]` when the schema declares none.
        formats: Vec<String>,
    },
    /// Either a list of `item` or the string `"all"`.
    Selection {
        /// The type of the list's items.
        item: TypeRef,
    },
    /// A string with known values.
    Enum {
        /// The known values.
        values: Vec<EnumValue>,
        /// Whether other values are accepted and kept as received (`open`, default `true`);
        /// when `false`, any other value is an error.
        open: bool,
    },
    /// An object with declared fields; undeclared keys are kept (`kind = "object"`).
    Object {
        /// Its fields, in declaration order.
        fields: Vec<FieldDef>,
    },
    /// One of several types (`kind = "union"`): told apart by the string value of a key of
    /// an object (`tag`), or, without a tag, by which variant reads the value first.
    Union {
        /// The key whose value picks the variant; `None` for a union told apart by shape.
        tag: Option<String>,
        /// The variants, in declaration order (the order they are tried without a tag).
        variants: Vec<UnionVariant>,
    },
}

/// A variant of a union type.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// The tag's value that picks it (tagged unions only).
    pub value: Option<String>,
    /// The Rust variant name.
    pub variant: String,
    /// What it holds: a named object type in a tagged union, any type expression otherwise.
    pub ty: TypeRef,
    /// Its documentation.
    pub doc: String,
    /// Where its variant name is declared.
    pub span: Span,
}

/// The export name of a schema that declares none.
pub const DEFAULT_SCHEMA_NAME: &str = "webhooks";

/// The version of a schema that declares none.
pub const DEFAULT_SCHEMA_VERSION: &str = "0.0.0";

/// The `[envelope] tag` of the internal layout when the schema gives none.
pub const DEFAULT_INTERNAL_TAG: &str = "type";

/// The name of the RFC 3339 form (`2017-12-21T11:01:11Z`, with any offset) among a timestamp
/// type's `formats`; it is also the form a timestamp type without `formats` is read in.
pub const TIMESTAMP_RFC3339: &str = "rfc3339";

/// What an ID is on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdRepr {
    /// An unsigned 64-bit integer (`repr = "u64"`).
    U64,
    /// A string (`repr = "string"`), such as `"in_1Nx"`.
    String,
}

/// A known value of an enum type.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// The value on the wire.
    pub wire: String,
    /// The Rust variant name.
    pub variant: String,
    /// Its documentation.
    pub doc: String,
    /// Where its wire value is declared.
    pub span: Span,
    /// Where its variant name is declared.
    pub variant_span: Span,
}

/// A Rust name a schema gives something (`rust_name`), with where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustName {
    /// The name as written.
    pub text: String,
    /// Where it is written.
    pub span: Span,
}

/// The type of a field, of a selection's items, or inside `list<...>` and `map<...>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// A built-in JSON type.
    Primitive(Primitive),
    /// A named type declared in the schema's `types` table.
    Named(String),
    /// `list<T>`: a JSON array of `T`.
    List(Box<TypeRef>),
    /// `map<T>`: a JSON object with string keys and `T` values, in the order received.
    Map(Box<TypeRef>),
}

impl std::fmt::Display for TypeRef {
    /// The type as the schema file writes it: `u64`, `MemberId`, `list<map<json>>`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeRef::Primitive(primitive) => f.write_str(primitive.name()),
            TypeRef::Named(name) => f.write_str(name),
            TypeRef::List(item) => write!(f, "list<{item}>"),
            TypeRef::Map(value) => write!(f, "map<{value}>"),
        }
    }
}

/// The built-in types a field can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Primitive {
    /// `string`: any JSON string.
    String,
    /// `url`: a string holding a URL (not checked).
    Url,
    /// `i64`: a signed 64-bit integer.
    I64,
    /// `u64`: an unsigned 64-bit integer.
    U64,
    /// `f64`: any JSON number, read as a 64-bit float.
    F64,
    /// `number`: any JSON number, kept as received: an integer stays an integer (JSON
    /// Schema's `number`, whose values are often integers such as ids).
    Number,
    /// `bool`: `true` or `false`.
    Bool,
    /// `json`: any JSON value, kept as it is.
    Json,
}

impl Primitive {
    /// Every primitive with the name it has in the schema file.
    pub const ALL: [(&'static str, Primitive); 8] = [
        ("string", Primitive::String),
        ("url", Primitive::Url),
        ("i64", Primitive::I64),
        ("u64", Primitive::U64),
        ("f64", Primitive::F64),
        ("number", Primitive::Number),
        ("bool", Primitive::Bool),
        ("json", Primitive::Json),
    ];

    /// Whether a value of this primitive may be `value`, as the generated reader judges it
    /// (for a `serde_json::Value`, which cannot show an integer beyond 64 bits).
    pub fn accepts(self, value: &serde_json::Value) -> bool {
        match self {
            Primitive::String | Primitive::Url => value.is_string(),
            Primitive::I64 => value.is_i64(),
            Primitive::U64 => value.is_u64(),
            Primitive::F64 | Primitive::Number => value.is_number(),
            Primitive::Bool => value.is_boolean(),
            Primitive::Json => true,
        }
    }

    /// The primitive's name in the schema file.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, primitive)| *primitive == self)
            .map_or("json", |(name, _)| name)
    }

    /// Looks a primitive up by its schema name.
    pub fn from_name(name: &str) -> Option<Primitive> {
        Self::ALL
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, primitive)| *primitive)
    }
}

/// One webhook event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventDef {
    /// The wire name sent in `event_name`, e.g. `member_signup`.
    pub name: String,
    /// The struct name the schema gives the event (`rust_name`), if it gives one; the
    /// generator names it after the wire name otherwise.
    pub rust_name: Option<RustName>,
    /// A one-line summary.
    pub summary: String,
    /// A longer description.
    pub description: String,
    /// The fields of the event's `data` object, in declaration order; empty when `data` is
    /// given.
    pub fields: Vec<FieldDef>,
    /// The type of the event's content when it is not an object of `fields` (`data =
    /// "list<Attempt>"`, Svix's `message.attempt.log`): any type expression; the adjacent
    /// layout only.
    pub data: Option<TypeRef>,
    /// Example deliveries, each a whole JSON document.
    pub examples: Vec<Example>,
    /// Where its name is declared.
    pub span: Span,
}

/// One field of an event's `data` object.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    /// The key on the wire.
    pub name: String,
    /// The Rust field name the schema gives the field (`rust_name`), if it gives one; the
    /// generator uses the wire name otherwise.
    pub rust_name: Option<RustName>,
    /// The field's type.
    pub ty: TypeRef,
    /// Its documentation.
    pub doc: String,
    /// Whether the key must be present.
    pub required: bool,
    /// Whether the value may be `null`. A field may be both optional and nullable: then
    /// absent, `null` and a value are three different things.
    pub nullable: bool,
    /// Where the field is declared.
    pub span: Span,
}

/// An example delivery of an event.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The example exactly as written in the schema.
    pub json: String,
    /// The example parsed.
    pub value: serde_json::Value,
}

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
    /// A short title for the set of events (used in exports).
    pub title: String,
    /// A longer description of the set of events.
    pub description: String,
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
    /// An opaque identifier: an unsigned 64-bit integer on the wire.
    Id,
    /// A point in time, kept as the exact string received.
    Timestamp,
    /// Either a list of `item` or the string `"all"`.
    Selection {
        /// The type of the list's items.
        item: TypeRef,
    },
    /// A string with known values; any other value is kept as received.
    Enum {
        /// The known values.
        values: Vec<EnumValue>,
    },
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
}

/// The type of a field or of a selection's items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// A built-in JSON type.
    Primitive(Primitive),
    /// A named type declared in the schema's `types` table.
    Named(String),
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
    /// `f64`: any JSON number.
    F64,
    /// `bool`: `true` or `false`.
    Bool,
    /// `json`: any JSON value, kept as it is.
    Json,
}

impl Primitive {
    /// Every primitive with the name it has in the schema file.
    pub const ALL: [(&'static str, Primitive); 7] = [
        ("string", Primitive::String),
        ("url", Primitive::Url),
        ("i64", Primitive::I64),
        ("u64", Primitive::U64),
        ("f64", Primitive::F64),
        ("bool", Primitive::Bool),
        ("json", Primitive::Json),
    ];

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
    /// The Rust struct name, e.g. `MemberSignup`.
    pub type_name: String,
    /// The struct name in snake_case, used in method names (`visit_member_signup`).
    pub snake_name: String,
    /// A one-line summary.
    pub summary: String,
    /// A longer description.
    pub description: String,
    /// The fields of the event's `data` object, in declaration order.
    pub fields: Vec<FieldDef>,
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
    /// The Rust field name (the wire name unless renamed).
    pub rust_name: String,
    /// The field's type.
    pub ty: TypeRef,
    /// Its documentation.
    pub doc: String,
    /// Whether the key must be present.
    pub required: bool,
    /// Whether the value may be `null`.
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

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
    /// The case rule of every object's keys, unless a type or an event declares its own
    /// (`rename_all` of `[schema]`).
    pub rename_all: Option<RenameRule>,
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
    /// `i32`: a signed 32-bit integer (OpenAPI's `int32`).
    I32,
    /// `u32`: an unsigned 32-bit integer.
    U32,
    /// `i16`: a signed 16-bit integer.
    I16,
    /// `u16`: an unsigned 16-bit integer (an HTTP status).
    U16,
    /// `i8`: a signed 8-bit integer.
    I8,
    /// `u8`: an unsigned 8-bit integer.
    U8,
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
    pub const ALL: [(&'static str, Primitive); 14] = [
        ("string", Primitive::String),
        ("url", Primitive::Url),
        ("i64", Primitive::I64),
        ("u64", Primitive::U64),
        ("i32", Primitive::I32),
        ("u32", Primitive::U32),
        ("i16", Primitive::I16),
        ("u16", Primitive::U16),
        ("i8", Primitive::I8),
        ("u8", Primitive::U8),
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
            Primitive::F64 | Primitive::Number => value.is_number(),
            Primitive::Bool => value.is_boolean(),
            Primitive::Json => true,
            // The sized and 64-bit integers.
            _ => self.accepts_integer(value),
        }
    }

    /// The smallest and largest value of an integer primitive, `None` for the others.
    pub fn integer_range(self) -> Option<(i128, i128)> {
        fn range<T: Into<i128>>(min: T, max: T) -> Option<(i128, i128)> {
            Some((min.into(), max.into()))
        }
        match self {
            Primitive::I64 => range(i64::MIN, i64::MAX),
            Primitive::U64 => range(u64::MIN, u64::MAX),
            Primitive::I32 => range(i32::MIN, i32::MAX),
            Primitive::U32 => range(u32::MIN, u32::MAX),
            Primitive::I16 => range(i16::MIN, i16::MAX),
            Primitive::U16 => range(u16::MIN, u16::MAX),
            Primitive::I8 => range(i8::MIN, i8::MAX),
            Primitive::U8 => range(u8::MIN, u8::MAX),
            Primitive::String
            | Primitive::Url
            | Primitive::F64
            | Primitive::Number
            | Primitive::Bool
            | Primitive::Json => None,
        }
    }

    /// Whether `value` is an integer (written without a fraction or exponent, as serde_json
    /// reads it) within this integer primitive's range.
    fn accepts_integer(self, value: &serde_json::Value) -> bool {
        let Some((min, max)) = self.integer_range() else {
            return false;
        };
        let integer = value
            .as_i64()
            .map(i128::from)
            .or_else(|| value.as_u64().map(i128::from));
        integer.is_some_and(|integer| (min..=max).contains(&integer))
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
    /// What a present, non-`null` value must satisfy beyond its type (`pattern`,
    /// `min_length`, `maximum`, ...); empty for most fields.
    pub checks: Checks,
    /// The case rule its owner (or the schema) declares for its keys (`rename_all`): without a
    /// `rust_name`, its Rust name is the key in snake_case, and the rule gives the key back.
    pub rename_all: Option<RenameRule>,
    /// Where the field is declared.
    pub span: Span,
}

/// The case keys follow, as serde's `rename_all` names it: a field's Rust name (snake_case)
/// becomes its key by the rule, and a key gives its Rust name back in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameRule {
    /// `lowercase`: `snake_case` without change, lower case.
    Lower,
    /// `UPPERCASE`.
    Upper,
    /// `PascalCase`.
    Pascal,
    /// `camelCase`.
    Camel,
    /// `snake_case`.
    Snake,
    /// `SCREAMING_SNAKE_CASE`.
    ScreamingSnake,
    /// `kebab-case`.
    Kebab,
    /// `SCREAMING-KEBAB-CASE`.
    ScreamingKebab,
}

impl RenameRule {
    /// Every rule with its name in the schema file (serde's).
    pub const ALL: [(&'static str, RenameRule); 8] = [
        ("lowercase", RenameRule::Lower),
        ("UPPERCASE", RenameRule::Upper),
        ("PascalCase", RenameRule::Pascal),
        ("camelCase", RenameRule::Camel),
        ("snake_case", RenameRule::Snake),
        ("SCREAMING_SNAKE_CASE", RenameRule::ScreamingSnake),
        ("kebab-case", RenameRule::Kebab),
        ("SCREAMING-KEBAB-CASE", RenameRule::ScreamingKebab),
    ];

    /// The rule's name in the schema file.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, rule)| *rule == self)
            .map_or("snake_case", |(name, _)| name)
    }

    /// The key a snake_case Rust name becomes (serde's `rename_all`).
    pub fn key_of(self, rust_name: &str) -> String {
        use heck::{
            ToKebabCase, ToLowerCamelCase, ToShoutyKebabCase, ToShoutySnakeCase, ToUpperCamelCase,
        };
        match self {
            RenameRule::Lower | RenameRule::Snake => rust_name.to_owned(),
            RenameRule::Upper => rust_name.to_ascii_uppercase(),
            RenameRule::Pascal => rust_name.to_upper_camel_case(),
            RenameRule::Camel => rust_name.to_lower_camel_case(),
            RenameRule::ScreamingSnake => rust_name.to_shouty_snake_case(),
            RenameRule::Kebab => rust_name.to_kebab_case(),
            RenameRule::ScreamingKebab => rust_name.to_shouty_kebab_case(),
        }
    }

    /// The snake_case Rust name of `key`, if the rule gives `key` back from it.
    pub fn rust_name_of(self, key: &str) -> Option<String> {
        use heck::ToSnakeCase;
        let rust_name = match self {
            RenameRule::Lower | RenameRule::Upper => key.to_ascii_lowercase(),
            _ => key.to_snake_case(),
        };
        (self.key_of(&rust_name) == key).then_some(rust_name)
    }
}

/// What a field's value must satisfy beyond its type, checked whenever a delivery is read and
/// exported as JSON Schema's keywords of the same meaning. Which apply depends on the
/// field's type: [`CheckTarget`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Checks {
    /// A regular expression the text must contain a match of (`pattern`; anchor it with `^`
    /// and `$` to match the whole text), as JSON Schema's `pattern`.
    pub pattern: Option<Pattern>,
    /// The fewest characters (Unicode scalar values) the text may have (`min_length`).
    pub min_length: Option<u64>,
    /// The most characters the text may have (`max_length`).
    pub max_length: Option<u64>,
    /// The smallest number allowed, itself included (`minimum`).
    pub minimum: Option<Limit>,
    /// The largest number allowed, itself included (`maximum`).
    pub maximum: Option<Limit>,
    /// The fewest items a list may have (`min_items`).
    pub min_items: Option<u64>,
    /// The most items a list may have (`max_items`).
    pub max_items: Option<u64>,
    /// Whether a list's items must all differ (`unique_items`).
    pub unique_items: bool,
}

impl Checks {
    /// Whether no check is declared.
    pub fn is_empty(&self) -> bool {
        *self == Checks::default()
    }

    /// Each check, by its key in the schema file (`pattern`, `min_length`, ...), with whether
    /// it is declared and what a field needs to be to take it (`a string`, `a list`).
    pub fn declared(&self) -> [(&'static str, bool, &'static str); 8] {
        [
            ("pattern", self.pattern.is_some(), "a string"),
            ("min_length", self.min_length.is_some(), "a string"),
            ("max_length", self.max_length.is_some(), "a string"),
            ("minimum", self.minimum.is_some(), "a number"),
            ("maximum", self.maximum.is_some(), "a number"),
            ("min_items", self.min_items.is_some(), "a list"),
            ("max_items", self.max_items.is_some(), "a list"),
            (
                "unique_items",
                self.unique_items,
                "a list of strings, integers or booleans",
            ),
        ]
    }

    /// These checks without the one of schema-file key `key`.
    pub fn without(mut self, key: &str) -> Checks {
        match key {
            "pattern" => self.pattern = None,
            "min_length" => self.min_length = None,
            "max_length" => self.max_length = None,
            "minimum" => self.minimum = None,
            "maximum" => self.maximum = None,
            "min_items" => self.min_items = None,
            "max_items" => self.max_items = None,
            "unique_items" => self.unique_items = false,
            _ => {}
        }
        self
    }

    /// The keys of the declared checks a field whose checks look at `target` cannot take.
    pub fn misplaced(&self, target: CheckTarget) -> Vec<&'static str> {
        self.declared()
            .into_iter()
            .filter(|(key, present, _)| *present && !target.takes(key))
            .map(|(key, _, _)| key)
            .collect()
    }

    /// The checks as the schema file writes them (`pattern = '^a', max_length = 4`), or
    /// `none`.
    pub fn to_toml_keys(&self) -> String {
        let mut keys = String::new();
        crate::write::write_checks(&mut keys, self);
        match keys.strip_prefix(", ") {
            Some(keys) => keys.to_owned(),
            None => "none".to_owned(),
        }
    }

    /// Why `value`, already of its field's type, fails one of these checks, if it does: the
    /// same verdicts as the generated reader's.
    pub fn problem(&self, value: &serde_json::Value) -> Option<String> {
        let checks = self;
        if checks.is_empty() {
            return None;
        }
        if let Some(text) = value.as_str() {
            let length = text.chars().count() as u64;
            if let Some(min) = checks.min_length.filter(|min| length < *min) {
                return Some(format!(
                    "is {length} characters long, at least {min} expected"
                ));
            }
            if let Some(max) = checks.max_length.filter(|max| length > *max) {
                return Some(format!(
                    "is {length} characters long, at most {max} expected"
                ));
            }
            if let Some(pattern) = checks
                .pattern
                .as_ref()
                .filter(|pattern| !pattern.is_match(text))
            {
                return Some(format!("does not match the pattern `{}`", pattern.as_str()));
            }
        }
        if let Some(number) = NumberView::of(value) {
            if let Some(minimum) = checks.minimum.filter(|minimum| !minimum.at_most(number)) {
                return Some(format!("is below the minimum {minimum}"));
            }
            if let Some(maximum) = checks.maximum.filter(|maximum| !maximum.at_least(number)) {
                return Some(format!("is above the maximum {maximum}"));
            }
        }
        if let Some(items) = value.as_array() {
            let count = items.len() as u64;
            if let Some(min) = checks.min_items.filter(|min| count < *min) {
                return Some(format!("has {count} items, at least {min} expected"));
            }
            if let Some(max) = checks.max_items.filter(|max| count > *max) {
                return Some(format!("has {count} items, at most {max} expected"));
            }
            if checks.unique_items {
                let mut seen = std::collections::HashSet::new();
                if let Some(index) = items.iter().position(|item| !seen.insert(unique_key(item))) {
                    return Some(format!(
                        "repeats an item (at index {index}): its items must all differ"
                    ));
                }
            }
        }
        None
    }
}

/// What `unique_items` compares of a list's item (a string, an integer or a boolean, which
/// its type allows): equal JSON values give equal keys.
fn unique_key(item: &serde_json::Value) -> String {
    match item {
        serde_json::Value::String(text) => format!("s{text}"),
        other => format!("v{other}"),
    }
}

/// A `pattern`: its source as written, and the compiled expression (the `regex-lite`
/// dialect: no look-around or back-references, `\d` and `\w` ASCII, as ECMA-262's without the
/// `u` flag).
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    regex: regex_lite::Regex,
}

impl Pattern {
    /// Compiles `source`, or says in one line why it is not a pattern the generated readers
    /// can check (the first line of regex-lite's message, which spans several).
    pub fn new(source: &str) -> Result<Pattern, String> {
        regex_lite::Regex::new(source)
            .map(|regex| Pattern {
                source: source.to_owned(),
                regex,
            })
            .map_err(|error| {
                let message = error.to_string();
                message
                    .lines()
                    .map(str::trim)
                    .find(|line| !line.is_empty())
                    .unwrap_or(&message)
                    .to_owned()
            })
    }

    /// The expression as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether `text` contains a match.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// A `minimum` or `maximum`: an integer, compared exactly, or a float.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    /// An integer limit.
    Integer(i64),
    /// A limit with a fraction.
    Float(f64),
}

impl Limit {
    /// The limit as a float (exact for integers up to 2^53).
    pub fn as_f64(self) -> f64 {
        match self {
            Limit::Integer(integer) => integer as f64,
            Limit::Float(float) => float,
        }
    }

    /// Whether this limit is at most `value`: a `minimum` that `value` meets.
    pub fn at_most(self, value: NumberView) -> bool {
        match (self, value) {
            (Limit::Integer(limit), NumberView::Integer(value)) => i128::from(limit) <= value,
            (limit, value) => limit.as_f64() <= value.as_f64(),
        }
    }

    /// Whether this limit is at least `value`: a `maximum` that `value` meets.
    pub fn at_least(self, value: NumberView) -> bool {
        match (self, value) {
            (Limit::Integer(limit), NumberView::Integer(value)) => i128::from(limit) >= value,
            (limit, value) => limit.as_f64() >= value.as_f64(),
        }
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Limit::Integer(integer) => write!(f, "{integer}"),
            Limit::Float(float) => write!(f, "{float:?}"),
        }
    }
}

/// A number read from a delivery, for comparing with a [`Limit`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NumberView {
    /// An integer (any 64-bit integer fits).
    Integer(i128),
    /// A number with a fraction or an exponent.
    Float(f64),
}

impl NumberView {
    /// The number as a float.
    pub fn as_f64(self) -> f64 {
        match self {
            NumberView::Integer(integer) => integer as f64,
            NumberView::Float(float) => float,
        }
    }

    /// The number a `serde_json::Value` holds, if it holds one.
    pub fn of(value: &serde_json::Value) -> Option<NumberView> {
        let number = value.as_number()?;
        number
            .as_i64()
            .map(i128::from)
            .or_else(|| number.as_u64().map(i128::from))
            .map(NumberView::Integer)
            .or_else(|| number.as_f64().map(NumberView::Float))
    }
}

/// What a field's [`Checks`] look at, by its type: the only checks its type allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckTarget {
    /// A string of any kind (`string`, `url`, a string ID, a timestamp): `pattern`,
    /// `min_length`, `max_length`.
    Text,
    /// A number (an integer primitive, `f64`, `number`): `minimum`, `maximum`.
    Number,
    /// A `list<T>`: `min_items`, `max_items`, and `unique_items` when its items are strings,
    /// integers or booleans (`unique` says whether they are).
    List {
        /// Whether the items are of a type whose values `unique_items` compares.
        unique: bool,
    },
    /// Any other type: no check applies.
    None,
}

impl CheckTarget {
    /// Whether a field of this target takes the check of schema-file key `key`.
    pub fn takes(self, key: &str) -> bool {
        match self {
            CheckTarget::Text => matches!(key, "pattern" | "min_length" | "max_length"),
            CheckTarget::Number => matches!(key, "minimum" | "maximum"),
            CheckTarget::List { unique } => {
                matches!(key, "min_items" | "max_items") || (unique && key == "unique_items")
            }
            CheckTarget::None => false,
        }
    }

    /// The checks a field of this target takes, as a sentence's list.
    pub fn takes_text(self) -> &'static str {
        match self {
            CheckTarget::Text => "`pattern`, `min_length` and `max_length`",
            CheckTarget::Number => "`minimum` and `maximum`",
            CheckTarget::List { unique: true } => "`min_items`, `max_items` and `unique_items`",
            CheckTarget::List { unique: false } => "`min_items` and `max_items`",
            CheckTarget::None => "no check",
        }
    }

    /// What the checks of a field of type `ty` look at, in `schema`.
    pub fn of(schema: &Schema, ty: &TypeRef) -> CheckTarget {
        Self::of_with(ty, &|name| schema.named_type(name).map(|def| &def.kind))
    }

    /// The same, with named types' kinds looked up by `kind_of`.
    pub fn of_with<'k>(
        ty: &TypeRef,
        kind_of: &dyn Fn(&str) -> Option<&'k TypeKind>,
    ) -> CheckTarget {
        match ty {
            TypeRef::Primitive(Primitive::String | Primitive::Url) => CheckTarget::Text,
            TypeRef::Primitive(Primitive::F64 | Primitive::Number) => CheckTarget::Number,
            TypeRef::Primitive(primitive) if primitive.integer_range().is_some() => {
                CheckTarget::Number
            }
            TypeRef::Named(name) => match kind_of(name) {
                Some(TypeKind::Id {
                    repr: IdRepr::String,
                })
                | Some(TypeKind::Timestamp { .. }) => CheckTarget::Text,
                _ => CheckTarget::None,
            },
            TypeRef::List(item) => CheckTarget::List {
                unique: match **item {
                    TypeRef::Primitive(primitive) => {
                        primitive.integer_range().is_some()
                            || matches!(
                                primitive,
                                Primitive::String | Primitive::Url | Primitive::Bool
                            )
                    }
                    _ => false,
                },
            },
            _ => CheckTarget::None,
        }
    }
}

/// An example delivery of an event.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The example exactly as written in the schema.
    pub json: String,
    /// The example parsed.
    pub value: serde_json::Value,
}

//! A field's checks beyond its type (the schema's `pattern`, `min_length`, `maximum`,
//! `unique_items`, ...), applied by the generated readers as each value is read, so that a
//! failure is an error located at the field.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess};
use std::marker::PhantomData;

/// What a field's value must satisfy beyond its type. Generated code writes one `static` per
/// checked field.
#[derive(Debug)]
pub struct Checks {
    /// A regular expression the text must contain a match of.
    pub pattern: Option<Pattern>,
    /// The fewest characters (Unicode scalar values) allowed.
    pub min_length: Option<u64>,
    /// The most characters allowed.
    pub max_length: Option<u64>,
    /// The smallest number allowed, itself included.
    pub minimum: Option<Limit>,
    /// The largest number allowed, itself included.
    pub maximum: Option<Limit>,
    /// The fewest items allowed.
    pub min_items: Option<u64>,
    /// The most items allowed.
    pub max_items: Option<u64>,
}

impl Checks {
    /// No check: the base the generated `static`s fill in.
    pub const NONE: Checks = Checks {
        pattern: None,
        min_length: None,
        max_length: None,
        minimum: None,
        maximum: None,
        min_items: None,
        max_items: None,
    };

    /// Why `view` fails these checks, if it does.
    pub fn problem(&self, view: View<'_>) -> Option<String> {
        match view {
            View::Text(text) => {
                let length = text.chars().count() as u64;
                if let Some(min) = self.min_length.filter(|min| length < *min) {
                    return Some(format!(
                        "is {length} characters long, at least {min} expected"
                    ));
                }
                if let Some(max) = self.max_length.filter(|max| length > *max) {
                    return Some(format!(
                        "is {length} characters long, at most {max} expected"
                    ));
                }
                if let Some(pattern) = self
                    .pattern
                    .as_ref()
                    .filter(|pattern| !pattern.is_match(text))
                {
                    return Some(format!("does not match the pattern `{}`", pattern.source));
                }
                None
            }
            View::Integer(_) | View::Float(_) => {
                if let Some(minimum) = self.minimum.filter(|minimum| !minimum.at_most(view)) {
                    return Some(format!("is below the minimum {minimum}"));
                }
                if let Some(maximum) = self.maximum.filter(|maximum| !maximum.at_least(view)) {
                    return Some(format!("is above the maximum {maximum}"));
                }
                None
            }
            View::List { len, repeated } => {
                let count = len as u64;
                if let Some(min) = self.min_items.filter(|min| count < *min) {
                    return Some(format!("has {count} items, at least {min} expected"));
                }
                if let Some(max) = self.max_items.filter(|max| count > *max) {
                    return Some(format!("has {count} items, at most {max} expected"));
                }
                repeated.map(|index| {
                    format!("repeats an item (at index {index}): its items must all differ")
                })
            }
        }
    }
}

/// What the checks look at in a value read: its text, its number or its list's length.
#[derive(Debug, Clone, Copy)]
pub enum View<'a> {
    /// A string's text.
    Text(&'a str),
    /// An integer.
    Integer(i128),
    /// A number with a fraction or an exponent.
    Float(f64),
    /// A list: how many items, and the first that repeats an earlier one when the items must
    /// all differ.
    List {
        /// The number of items.
        len: usize,
        /// The index of the first item equal to an earlier one (`None` when they differ or
        /// need not).
        repeated: Option<usize>,
    },
}

impl View<'_> {
    /// A number kept as received.
    pub fn number(number: &serde_json::Number) -> View<'static> {
        match (number.as_i64(), number.as_u64()) {
            (Some(integer), _) => View::Integer(i128::from(integer)),
            (_, Some(integer)) => View::Integer(i128::from(integer)),
            _ => View::Float(number.as_f64().unwrap_or(f64::NAN)),
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            View::Integer(integer) => integer as f64,
            View::Float(float) => float,
            View::Text(_) | View::List { .. } => f64::NAN,
        }
    }
}

/// The index of the first of `items` equal to an earlier one.
pub fn first_repeated<K: std::hash::Hash + Eq>(items: impl Iterator<Item = K>) -> Option<usize> {
    let mut seen = std::collections::HashSet::new();
    items
        .enumerate()
        .find_map(|(index, item)| (!seen.insert(item)).then_some(index))
}

/// A `minimum` or `maximum`.
#[derive(Debug, Clone, Copy)]
pub enum Limit {
    /// An integer limit, compared exactly with integers.
    Integer(i64),
    /// A limit with a fraction.
    Float(f64),
}

impl Limit {
    fn as_f64(self) -> f64 {
        match self {
            Limit::Integer(integer) => integer as f64,
            Limit::Float(float) => float,
        }
    }

    /// Whether this limit is at most `value`.
    fn at_most(self, value: View<'_>) -> bool {
        match (self, value) {
            (Limit::Integer(limit), View::Integer(value)) => i128::from(limit) <= value,
            (limit, value) => limit.as_f64() <= value.as_f64(),
        }
    }

    /// Whether this limit is at least `value`.
    fn at_least(self, value: View<'_>) -> bool {
        match (self, value) {
            (Limit::Integer(limit), View::Integer(value)) => i128::from(limit) >= value,
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

/// A `pattern`, compiled the first time it is used (with the `pattern` feature).
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    #[cfg(feature = "pattern")]
    compiled: std::sync::OnceLock<regex_lite::Regex>,
}

impl Pattern {
    /// The pattern `source`, which the schema's reader has already compiled once.
    pub const fn new(source: &'static str) -> Pattern {
        Pattern {
            source,
            #[cfg(feature = "pattern")]
            compiled: std::sync::OnceLock::new(),
        }
    }

    #[cfg(feature = "pattern")]
    fn is_match(&self, text: &str) -> bool {
        self.compiled
            .get_or_init(|| {
                regex_lite::Regex::new(self.source)
                    .expect("the schema's reader compiled this pattern when it read the schema")
            })
            .is_match(text)
    }

    #[cfg(not(feature = "pattern"))]
    fn is_match(&self, _: &str) -> bool {
        unreachable!("generated code that declares a pattern asserts the `pattern` feature")
    }
}

/// Evaluated in a `const` by code generated from a schema that declares a `pattern`: without
/// the `pattern` feature (which brings the regular-expression engine), the build fails with
/// this message instead of accepting text that was never checked.
pub const fn require_pattern_feature() {
    #[cfg(not(feature = "pattern"))]
    panic!(
        "this schema declares a `pattern`: enable the `pattern` feature of emma-runtime (`features = [\"pattern\"]` on its dependency)"
    );
}

/// Reads a checked field's value into its slot; a second occurrence, or a value that fails
/// `checks`, is an error at the field. `view` gives what the checks look at (`None` for a
/// `null`).
pub fn set_once_checked<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    name: &'static str,
    map: &mut A,
    checks: &'static Checks,
    view: for<'v> fn(&'v T) -> Option<View<'v>>,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value_seed(Checked {
        checks,
        view,
        value: PhantomData,
    })?);
    Ok(())
}

struct Checked<T> {
    checks: &'static Checks,
    view: for<'v> fn(&'v T) -> Option<View<'v>>,
    value: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Checked<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        let value = T::deserialize(deserializer)?;
        match (self.view)(&value).and_then(|view| self.checks.problem(view)) {
            Some(problem) => Err(de::Error::custom(format_args!("the value {problem}"))),
            None => Ok(value),
        }
    }
}

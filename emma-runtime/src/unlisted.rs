//! `Unlisted`: what an open enum's `Other` holds, a value its schema does not list.

use std::fmt;

/// A value of an open enum that the schema does not list, exactly as received.
///
/// It has no public constructor: an enum value is only ever made from its text (the enum's
/// `From<&str>`, or reading a delivery), which gives the variant of a listed value and `Other`
/// only for the others. So `Other` can never hold a listed value, and equality and
/// serialization agree: two values are equal exactly when they are written the same.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Unlisted(String);

impl Unlisted {
    /// Wraps a value the caller has checked is not listed (generated code, through
    /// `__private::unlisted`).
    pub(crate) fn new(text: String) -> Self {
        Unlisted(text)
    }

    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Gives back the value as received.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Unlisted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Unlisted {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Unlisted {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Unlisted {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

//! Which names can become Rust identifiers.

/// Strict and reserved keywords of Rust 2024, which cannot name a field or type as they are.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Whether `name` is a Rust keyword.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Whether `name` has the shape of an ASCII Rust identifier (keywords included).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) if first == '_' || first.is_ascii_alphabetic() => {}
        _ => return false,
    }
    name != "_" && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Whether `name` is snake_case: lowercase ASCII letters, digits and underscores.
pub fn is_snake_case(name: &str) -> bool {
    is_identifier(name) && !name.chars().any(|c| c.is_ascii_uppercase())
}

/// Whether `name` is UpperCamelCase: starts with an uppercase letter, has no underscore.
pub fn is_upper_camel_case(name: &str) -> bool {
    is_identifier(name) && name.starts_with(|c: char| c.is_ascii_uppercase()) && !name.contains('_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_ascii_words_not_starting_with_a_digit() {
        assert!(is_identifier("member_id"));
        assert!(is_identifier("_x"));
        assert!(!is_identifier("1st"));
        assert!(!is_identifier("member-id"));
        assert!(!is_identifier("_"));
        assert!(!is_identifier(""));
    }

    #[test]
    fn keywords_are_recognised_including_reserved_ones() {
        assert!(is_keyword("type"));
        assert!(is_keyword("gen"));
        assert!(!is_keyword("member_id"));
    }

    #[test]
    fn case_checks_follow_rust_naming() {
        assert!(is_snake_case("group_ids"));
        assert!(!is_snake_case("groupIds"));
        assert!(is_upper_camel_case("MemberId"));
        assert!(!is_upper_camel_case("member_id"));
        assert!(!is_upper_camel_case("Member_Id"));
    }
}

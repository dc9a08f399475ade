//! What the unit tests of the parse modules share: a small schema fixture and a way to see
//! the problems found in a schema the way a user would.

/// Parses `source`, which must be rejected, and renders each problem as `file:line:col: ...`.
pub(super) fn errors(source: &str) -> Vec<String> {
    let error = super::parse(source, "events.toml").expect_err("the schema should be rejected");
    error
        .diagnostics
        .iter()
        .map(|diagnostic| error.render(diagnostic))
        .collect()
}

/// A schema with the ID type `MemberId` and one event, `member_signup`, with the given
/// `fields` (inline tables on line 10) and one example delivery whose `data` is `example_data`.
pub(super) fn event(fields: &str, example_data: &str) -> String {
    format!(
        "[types.MemberId]\nkind = \"id\"\ndoc = \"A member.\"\n\n[[events]]\nname = \"member_signup\"\nsummary = \"s\"\ndescription = \"d\"\nfields = [\n{fields}\n]\nexamples = ['''\n{{\"event_name\": \"member_signup\", \"data\": {example_data}}}\n''']\n"
    )
}

/// Parses `source`, which must be accepted.
pub(super) fn schema(source: &str) -> crate::model::Schema {
    super::parse(source, "events.toml").unwrap_or_else(|error| panic!("{error}"))
}

/// A schema with the `[envelope]` table `envelope` (none when empty) and one event, `ping`,
/// with the given `fields` (inline tables, on one line) and one example delivery, `example`.
pub(super) fn ping(envelope: &str, fields: &str, example: &str) -> String {
    let envelope = if envelope.is_empty() {
        String::new()
    } else {
        format!("[envelope]\n{envelope}\n\n")
    };
    format!(
        "{envelope}[[events]]\nname = \"ping\"\nsummary = \"s\"\ndescription = \"d\"\nfields = [{fields}]\nexamples = ['{example}']\n"
    )
}

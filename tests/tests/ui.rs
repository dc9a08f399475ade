//! trybuild UI tests: what compiles for a user of emma-events, and the errors they get when
//! something does not (each with its committed `.stderr`).
//!
//! Schema fixtures are named relative to the crate trybuild builds
//! (`target/tests/trybuild/emma-tests`), hence the `../../../../tests/fixtures/` prefix.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}

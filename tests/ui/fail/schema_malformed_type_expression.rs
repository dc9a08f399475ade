// The schema file `bad/malformed_type_expression.toml`: the macro reports where and what is wrong.
emma_events::include_events!("fixtures/bad/malformed_type_expression.toml");

fn main() {}

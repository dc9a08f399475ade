// The schema file `bad/envelope_missing_header.toml`: the macro reports where and what is wrong.
emma_events::include_events!("fixtures/bad/envelope_missing_header.toml");

fn main() {}

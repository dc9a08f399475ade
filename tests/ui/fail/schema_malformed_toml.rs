// The schema file `bad/malformed.toml`: the macro reports where and what is wrong.
emma_events::include_events!("fixtures/bad/malformed.toml");

fn main() {}

// The schema file `bad/missing_key.toml`: the macro reports where and what is wrong.
emma_events::include_events!("fixtures/bad/missing_key.toml");

fn main() {}

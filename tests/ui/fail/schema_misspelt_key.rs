// The schema file `bad/misspelt_key.toml`: the macro reports where and what is wrong.
emma_events::include_events!("fixtures/bad/misspelt_key.toml");

fn main() {}

// The schema file `bad/example_mismatch.toml`: the macro reports where and what is wrong.
emma_events::include_events!("fixtures/bad/example_mismatch.toml");

fn main() {}

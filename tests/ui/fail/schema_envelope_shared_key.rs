// The schema file `bad/envelope_shared_key.toml`: the macro reports where and what is wrong.
emma_events::include_events!("fixtures/bad/envelope_shared_key.toml");

fn main() {}

// The schema file `bad/envelope_bad_layout.toml`: the macro reports where and what is wrong.
emma_events::include_events!("fixtures/bad/envelope_bad_layout.toml");

fn main() {}

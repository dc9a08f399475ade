// The schema file `bad/empty.toml`: the macro reports where and what is wrong.
emma_events::include_events!("fixtures/bad/empty.toml");

fn main() {}

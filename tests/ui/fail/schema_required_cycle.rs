// The schema file `bad/required_cycle.toml`: the macro reports where and what is wrong.
emma_events::include_events!("fixtures/bad/required_cycle.toml");

fn main() {}

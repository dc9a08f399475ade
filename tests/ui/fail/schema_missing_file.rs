// The schema file `does_not_exist.toml`: the macro reports where and what is wrong.
emma_events::include_events!("fixtures/does_not_exist.toml");

fn main() {}

// The schema file `bad/duplicate_field.toml`: the macro reports where and what is wrong.
emma_events::include_events!("fixtures/bad/duplicate_field.toml");

fn main() {}

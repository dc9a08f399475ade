// The schema file `bad/keyword_field.toml`: the macro reports where and what is wrong.
emma_events::include_events!("fixtures/bad/keyword_field.toml");

fn main() {}

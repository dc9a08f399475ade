// The schema file `bad/unknown_type_in_list.toml`: the macro reports where and what is wrong.
emma_events::include_events!("fixtures/bad/unknown_type_in_list.toml");

fn main() {}

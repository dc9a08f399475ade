// The schema file `bad/bad_id_repr.toml`: the macro reports where and what is wrong.
emma_events::include_events!("fixtures/bad/bad_id_repr.toml");

fn main() {}

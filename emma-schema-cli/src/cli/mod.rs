//! The parts of the `emma-schema` command that are not argument parsing.

pub mod render;
pub mod sync;

//! The parts of the `emma-schema` command that are not argument parsing.

pub mod diff;
pub mod git;
pub mod render;
pub mod sync;

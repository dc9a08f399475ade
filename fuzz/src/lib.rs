//! The fuzz targets' logic. It lives in `checks.rs`, which has no dependency on libFuzzer, so
//! that `tests/tests/fuzz_corpus.rs` (in emma-tests, on stable Rust) includes the very same
//! file with `#[path]` and replays the committed corpora through the same assertions.

pub mod checks;

//! Performance measurements of emma-events side by side with what users would otherwise write.
//!
//! - `benches/parse.rs` times the generated reader (`emma_events::Event::from_slice`) against
//!   a lossy and a lossless `#[derive(Deserialize)]` of the same 21 events ([`derived`],
//!   [`lossless`]), `serde_json::Value`, `sonic_rs::Value` and sonic-rs with the lossy derive,
//!   on a corpus shaped like real captures ([`corpus`]):
//!   `cargo bench -p emma-perf --bench parse`.
//! - `build_cost.sh` times clean and incremental builds of a tiny crate using emma-events
//!   against one using the derived structs of [`derived`]: `perf/build_cost.sh [N]`.

#![warn(missing_docs)]

pub mod corpus;
pub mod derived;
pub mod lossless;

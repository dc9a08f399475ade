//! Generates the parcel provider's events into `$OUT_DIR/parcel.rs`, as a user's build script
//! would.

use std::path::PathBuf;

const SCHEMA: &str = "parcel.toml";

fn main() {
    println!("cargo::rerun-if-changed={SCHEMA}");
    let source = match emma_codegen::generate(SCHEMA) {
        Ok(source) => source,
        Err(error) => {
            // Each problem on a line of its own, located as `file:line:column`.
            for line in error.to_string().lines() {
                println!("cargo::error={line}");
            }
            std::process::exit(1);
        }
    };
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("parcel.rs"), source).expect("OUT_DIR is writable");
}

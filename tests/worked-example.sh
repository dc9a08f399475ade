#!/usr/bin/env bash
# Applies the worked example of docs/schema-format.md ("adding an event"), exactly as the docs
# write it, to a scratch copy of the workspace, then builds and runs what a maintainer would:
# the schema check, the exports, the demo and the library's examples. The docs' own example
# must never break the project.
#
# Usage: tests/worked-example.sh   (CARGO_TARGET_DIR is honoured, so CI can share its builds)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# The committed files only: what a fresh clone holds.
(cd "$root" && git ls-files -z) | (cd "$root" && xargs -0 cp --parents -t "$scratch")

# The first ```toml block after the "## Worked example" heading.
example="$(awk '/^## Worked example/ {in_section = 1}
  in_section && /^```toml$/ {in_block = 1; next}
  in_block && /^```$/ {exit}
  in_block {print}' "$root/docs/schema-format.md")"
if [ -z "$example" ]; then
  echo "worked-example: no toml block after '## Worked example' in docs/schema-format.md" >&2
  exit 1
fi
name="$(printf '%s\n' "$example" | sed -n 's/^name = "\(.*\)"$/\1/p' | head -1)"
printf '\n%s\n' "$example" >> "$scratch/schema/events.toml"
echo "worked-example: added event \`$name\` to a scratch copy in $scratch"

cd "$scratch"
cargo run -q -p emma-schema-cli -- check
cargo run -q -p emma-schema-cli -- export
cargo run -q -p emma-cli -- events | grep -q "^$name\b" || {
  echo "worked-example: \`emma events\` does not list $name" >&2
  exit 1
}
cargo run -q -p emma-cli -- demo --quiet
cargo run -q -p emma-events --example dispatch > /dev/null
cargo build -q -p emma-events --example axum_receiver --features axum
echo "worked-example: check, export, events, demo and the examples pass with \`$name\` added"

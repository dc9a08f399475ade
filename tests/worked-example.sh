#!/usr/bin/env bash
# Applies the worked example of docs/schema-format.md ("adding an event"), exactly as the docs
# write it, to a scratch copy of the workspace, then builds and runs what a maintainer would:
# the schema check, the exports, the demo, the library's examples and every test of the
# workspace. The docs' own example must never break the project, and no test outside
# emma-events may depend on Emma's schema's counts, order or names.
#
# Usage: tests/worked-example.sh [NAME]
#   NAME (or WORKED_EXAMPLE_NAME) renames the example's event, so that adding an event under
#   another name can be tried too: `WORKED_EXAMPLE_NAME=zz_probe_added tests/worked-example.sh`.
#   CARGO_TARGET_DIR is honoured, so CI can share its builds.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rename="${1:-${WORKED_EXAMPLE_NAME:-}}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# The committed files only: what a fresh clone holds. `-P` copies symbolic links as links, so
# `emma-events/events.toml` still points at `../schema/events.toml` (a plain `cp` would copy
# the file it points at, and the edit below would not reach emma-events).
(cd "$root" && git ls-files -z) | (cd "$root" && xargs -0 cp -P --parents -t "$scratch")

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
if [ -z "$name" ]; then
  echo "worked-example: the example declares no event name" >&2
  exit 1
fi
if [ -n "$rename" ]; then
  if ! printf '%s' "$rename" | grep -Eq '^[a-z][a-z0-9]*(_[a-z0-9]+)*$'; then
    echo "worked-example: \`$rename\` is not a snake_case event name" >&2
    exit 1
  fi
  # The event's name, as a whole quoted string: `name = "..."` and the examples' event_name.
  example="${example//\"$name\"/\"$rename\"}"
  name="$rename"
fi
printf '\n%s\n' "$example" >> "$scratch/schema/events.toml"
echo "worked-example: added event \`$name\` to a scratch copy in $scratch"

cd "$scratch"
if [ ! -L emma-events/events.toml ] || ! cmp -s emma-events/events.toml schema/events.toml; then
  echo "worked-example: emma-events/events.toml does not see the edited schema/events.toml" >&2
  exit 1
fi
cargo run -q -p emma-schema-cli -- check
# Regenerated before the tests, one of which compares the committed exports with the schema.
cargo run -q -p emma-schema-cli -- export
cargo run -q -p emma-schema-cli -- export --check
cargo run -q -p emma-cli -- events | grep -q "^$name\b" || {
  echo "worked-example: \`emma events\` does not list $name" >&2
  exit 1
}
cargo run -q -p emma-cli -- demo --quiet
cargo run -q -p emma-events --example dispatch > /dev/null
cargo build -q -p emma-events --example axum_receiver --features axum
cargo test -q --workspace --no-fail-fast
echo "worked-example: check, export, events, demo, the examples and every test pass with \`$name\` added"

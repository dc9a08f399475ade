#!/usr/bin/env bash
# What emma-events costs a user's build, against the same 21 events written with serde's derive.
#
#   perf/build_cost.sh [N]        # N alternating runs of each measurement (default 3)
#
# In a temporary directory it makes three tiny binary crates, each with its own target dir
# and a copy of the workspace's Cargo.lock (so all use the same dependency versions):
#
#   uses-emma-events  depends on emma-events (a path dependency on this workspace), parses a
#                     delivery with `Event::from_slice` and matches on the `Event` enum;
#   uses-derive       depends on serde (derive) and serde_json, with perf/src/derived.rs
#                     copied in (the 21 events as `#[derive(Serialize, Deserialize)]` structs,
#                     the benchmark's lossy derive), and does the same;
#   own-schema        depends on emma-events and generates its events from its own copy of
#                     schema/events.toml with `emma_events::include_events!`, so
#                     editing that copy dirties nothing in the workspace.
#
# It times, alternating the two crates (which goes first alternates too): a clean debug build
# and a clean release build of uses-emma-events and uses-derive (target dir removed; the
# crates' sources are fetched beforehand); then, for own-schema, debug rebuilds after edits
# of its schema: a field's doc changes, and an optional field is added to an event. (Only
# own-schema is rebuilt; an edit of emma-events' own schema also rebuilds emma-events and
# every crate depending on it.) It prints the
# medians and the ratios against issue 10's goals (clean build at most 1.25x the derive
# crate's; rebuild after a schema edit at most 2 s), and, from one `cargo build --timings` of
# uses-emma-events, the ten slowest units and the crates compiled more than once (for the
# host, i.e. proc macros and build scripts, and for the target).
#
# EMMA_PERF_JOBS sets cargo's -j (default: nproc). Crates come from crates.io; when fetching
# fails, the script retries with --offline (the local cache may already hold them).
set -euo pipefail

runs="${1:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
jobs="${EMMA_PERF_JOBS:-$(nproc)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
unset CARGO_TARGET_DIR

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v v="$1" -v limit="$2" 'BEGIN { print (v <= limit) ? "met" : "not met" }'; }

# ---------------------------------------------------------------------------------------------
# The crates
# ---------------------------------------------------------------------------------------------

delivery='{"event_name":"message_click","resource_url":"https://api.e2ma.net/1755030/members/6120458131","data":{"account_id":1755030,"member_id":6120458131,"mailing_id":4296212601,"subject":"Our winter sale starts now","timestamp":"@D:2017-12-21T11:03:40","link_id":8589934593}}'

new_crate() { # name, dependencies (TOML lines)
    mkdir -p "$work/$1/src"
    cat >"$work/$1/Cargo.toml" <<EOF
[package]
name = "$1"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
$2

[workspace]
EOF
    cp "$root/Cargo.lock" "$work/$1/Cargo.lock"
}

new_crate uses-emma-events "emma-events = { path = \"$root/emma-events\" }"
cat >"$work/uses-emma-events/src/main.rs" <<EOF
use emma_events::Event;

const DELIVERY: &str = r#"$delivery"#;

fn main() {
    match Event::from_slice(DELIVERY.as_bytes()) {
        Ok(Event::MessageClick(click)) => println!("member {} clicked link {}", click.member_id, click.link_id),
        Ok(Event::MemberOptout(optout)) => println!("member {} opted out", optout.member_id),
        Ok(other) => println!("{}", other.name()),
        Err(error) => eprintln!("{error}"),
    }
}
EOF

new_crate uses-derive "serde = { version = \"1\", features = [\"derive\"] }
serde_json = \"1\""
cp "$root/perf/src/derived.rs" "$work/uses-derive/src/derived.rs"
cat >"$work/uses-derive/src/main.rs" <<EOF
#![allow(dead_code)] // Most fields are never read here.

mod derived;

use derived::LossyDelivery;

const DELIVERY: &str = r#"$delivery"#;

fn main() {
    match serde_json::from_str::<LossyDelivery>(DELIVERY) {
        Ok(LossyDelivery::MessageClick(click)) => println!("member {} clicked link {}", click.member_id, click.link_id),
        Ok(LossyDelivery::MemberOptout(optout)) => println!("member {} opted out", optout.member_id),
        Ok(other) => println!("{}", serde_json::to_string(&other).unwrap()),
        Err(error) => eprintln!("{error}"),
    }
}
EOF

new_crate own-schema "emma-events = { path = \"$root/emma-events\" }"
cp "$root/schema/events.toml" "$work/own-schema/schema.toml"
cat >"$work/own-schema/src/main.rs" <<EOF
emma_events::include_events!("schema.toml");

const DELIVERY: &str = r#"$delivery"#;

fn main() {
    match Event::from_slice(DELIVERY.as_bytes()) {
        Ok(Event::MessageClick(click)) => println!("member {} clicked link {}", click.member_id, click.link_id),
        Ok(other) => println!("{}", other.name()),
        Err(error) => eprintln!("{error}"),
    }
}
EOF

cargo_in() { # crate, cargo arguments...
    local crate="$1"
    shift
    (cd "$work/$crate" && CARGO_TARGET_DIR="$work/$crate/target" cargo "$@" -j "$jobs" --quiet)
}

fetch() {
    (cd "$work/$1" && cargo fetch --quiet) || (cd "$work/$1" && cargo fetch --quiet --offline)
}

# Fetch first, and check that each crate builds and runs, untimed.
for crate in uses-emma-events uses-derive own-schema; do
    fetch "$crate"
    printf '%-17s ' "$crate:"
    cargo_in "$crate" run
done

# ---------------------------------------------------------------------------------------------
# Clean builds, alternating
# ---------------------------------------------------------------------------------------------

clean_build() { # crate, profile flag (or none); prints seconds
    rm -rf "$work/$1/target"
    local start end
    start="$(now)"
    cargo_in "$1" build $2 >/dev/null
    end="$(now)"
    seconds "$start" "$end"
}

declare -a emma_debug=() derive_debug=() emma_release=() derive_release=()
for run in $(seq 1 "$runs"); do
    for profile in debug release; do
        flag=""
        [ "$profile" = release ] && flag="--release"
        if [ $((run % 2)) -eq 1 ]; then order="uses-emma-events uses-derive"; else order="uses-derive uses-emma-events"; fi
        for crate in $order; do
            t="$(clean_build "$crate" "$flag")"
            echo "run $run: clean $profile build of $crate: $t s" >&2
            case "$crate/$profile" in
                uses-emma-events/debug) emma_debug+=("$t") ;;
                uses-derive/debug) derive_debug+=("$t") ;;
                uses-emma-events/release) emma_release+=("$t") ;;
                uses-derive/release) derive_release+=("$t") ;;
            esac
        done
    done
done

# ---------------------------------------------------------------------------------------------
# Rebuild after a schema edit
# ---------------------------------------------------------------------------------------------

cargo_in own-schema build >/dev/null # the build the edits are measured against
schema="$work/own-schema/schema.toml"
rebuild_after() { # what the edit was; prints seconds
    local start end t
    start="$(now)"
    cargo_in own-schema build >/dev/null
    end="$(now)"
    t="$(seconds "$start" "$end")"
    echo "debug rebuild of own-schema after $1: $t s" >&2
    echo "$t"
}
declare -a rebuild_doc=() rebuild_field=()
for run in $(seq 1 "$runs"); do
    # A field's doc changes: the generated code changes, its parser does not.
    sed -i "s/The mailing that finished\.[^\"]*\"/The mailing that finished. Edit $run.\"/" "$schema"
    grep -q "Edit $run\." "$schema"
    rebuild_doc+=("$(rebuild_after "a doc edit ($run)")")
    # An optional field is added to an event: its struct, parser and writer change.
    sed -i "/The mailing that finished\./a\\  { name = \"note_$run\", type = \"string\", required = false, doc = \"Added by edit $run.\" }," "$schema"
    grep -q "note_$run" "$schema"
    rebuild_field+=("$(rebuild_after "a new field ($run)")")
done

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

md() { median "$@"; }
ed="$(md "${emma_debug[@]}")"; dd="$(md "${derive_debug[@]}")"
er="$(md "${emma_release[@]}")"; dr="$(md "${derive_release[@]}")"
rb_doc="$(md "${rebuild_doc[@]}")"; rb_field="$(md "${rebuild_field[@]}")"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"

echo
echo "machine: $(nproc) cores (nproc), ${cpu:-unknown}; cargo -j $jobs; CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-unset, cargo default}"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "command: perf/build_cost.sh $runs"
echo "$(cargo --version), $(rustc --version)"
echo
echo "| build (median of $runs) | emma-events crate | derive crate | ratio | goal |"
echo "| --- | ---: | ---: | ---: | --- |"
echo "| clean debug | ${ed} s | ${dd} s | $(ratio "$ed" "$dd")× | ≤ 1.25×: $(verdict "$(ratio "$ed" "$dd")" 1.25) |"
echo "| clean release | ${er} s | ${dr} s | $(ratio "$er" "$dr")× | ≤ 1.25×: $(verdict "$(ratio "$er" "$dr")" 1.25) |"
echo "| debug rebuild after a schema edit: a field's doc | ${rb_doc} s | | | ≤ 2 s: $(verdict "$rb_doc" 2) |"
echo "| debug rebuild after a schema edit: a new optional field | ${rb_field} s | | | ≤ 2 s: $(verdict "$rb_field" 2) |"

# ---------------------------------------------------------------------------------------------
# Where the time goes: one clean debug build with --timings
# ---------------------------------------------------------------------------------------------

rm -rf "$work/uses-emma-events/target"
cargo_in uses-emma-events build --timings >/dev/null 2>&1
html="$work/uses-emma-events/target/cargo-timings/cargo-timing.html"
echo
echo "cargo build --timings of uses-emma-events (clean debug):"
if command -v python3 >/dev/null; then
    python3 - "$html" <<'EOF'
import json, re, sys
from collections import defaultdict

html = open(sys.argv[1], encoding="utf-8").read()
match = re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S)
if not match:
    sys.exit("no UNIT_DATA in the timings report: cargo's format changed")
units = json.loads(match.group(1))

def label(unit):
    return f"{unit['name']} v{unit['version']}{unit.get('target', '')}"

print("\nthe 10 slowest units:\n")
print("| unit | seconds |")
print("| --- | ---: |")
for unit in sorted(units, key=lambda u: -u["duration"])[:10]:
    print(f"| {label(unit)} | {unit['duration']:.2f} |")
end = max(unit["start"] + unit["duration"] for unit in units)
print(f"\n{len(units)} units, {sum(u['duration'] for u in units):.1f} s of compilation, {end:.1f} s from start to end")

# A library compiled in more than one unit: once for the target, once for the host (a
# dependency of a proc macro or a build script, built with other settings), or with other
# features.
compiled = defaultdict(list)
for unit in units:
    if "build-script" in unit.get("target", ""):
        continue
    compiled[(unit["name"], unit["version"])].append(unit)
twice = {key: us for key, us in compiled.items() if len(us) > 1}
print("\ncompiled more than once (host and target):", end=" ")
if not twice:
    print("none")
else:
    print()
    for (name, version), us in sorted(twice.items()):
        total = sum(u["duration"] for u in us)
        features = "; ".join(",".join(u.get("features") or []) or "no features" for u in us)
        print(f"- {name} v{version}: {len(us)} times, {total:.2f} s in all (features: {features})")
EOF
else
    echo "(python3 not found: see $html)"
fi

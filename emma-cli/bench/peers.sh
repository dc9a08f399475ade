#!/usr/bin/env bash
# Measures the `emma` CLI against its peers, side by side, in one run.
#
# Usage: emma-cli/bench/peers.sh [LINES]   (default 200000)
#
#   validate  `emma validate` against Python's `jsonschema` (Draft202012Validator) and Node's
#             `ajv` (draft 2020-12) on the same NDJSON file of LINES deliveries (every example
#             of the schema, `emma example --all`, cycled, with 16 invalid lines of 9 kinds at
#             known positions), all three validating with the exported bundle
#             schema/export/emma-events.schema.json and reading the file line by
#             line. Wall time (median of 3 runs after a warm-up, with hyperfine if installed;
#             jsonschema, some 1,000 times slower, one run unless PEERS_JSONSCHEMA_RUNS says
#             more), lines/s, the ratio, and a check that all three flag exactly the planted
#             lines (printed). The peers take `format` as an annotation, as emma does (a `url`
#             is a string to it): jsonschema without a format checker, ajv with
#             validateFormats: false. A few
#             documents on which the three disagree by design (1.0 as an integer, a number
#             past 2^64, a duplicate key) are then run through each and reported, outside the
#             timed file.
#   listen    `emma listen --quiet` against a bare axum 0.8 handler that reads the body and
#             answers 200 (a crate of its own, built in release, on the runtime `#[tokio::main]`
#             builds; and, for reference, on a current-thread runtime like emma's), then `emma
#             listen --quiet --record FILE`, under the same `wrk` load on loopback: 64
#             connections, 2 threads, POST of one delivery body, 10 s per run (PEERS_DURATION),
#             in 3 rounds (PEERS_ROUNDS) alternating the servers; requests/s are the median
#             over the rounds and each ratio the median of the rounds' ratios. Every response
#             must be 2xx, and the record must hold at least as many lines as wrk counted
#             responses.
#
# Ends with a markdown table (machine, date, command, goals met or not). Exits non-zero when
# a step fails or the validators disagree on the timed file; a goal not met is reported, not
# an error. Needs cargo, python3 (>= 3.10), node (>= 18) and npm, and wrk
# (apt-get install wrk); hyperfine is used when installed. Python's jsonschema (the version
# pinned in tests/interop/python/requirements.txt), ajv and the axum crate's build are kept
# under TARGET_DIR/peers-cache. Builds and validators run under `nice` (the machine may be
# shared); the servers and wrk do not.
set -euo pipefail

count="${1:-200000}"
duration="${PEERS_DURATION:-10}"
rounds="${PEERS_ROUNDS:-3}"
runs=3
connections=64
threads=2
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

die() {
    echo "peers.sh: $*" >&2
    exit 1
}
need() {
    command -v "$1" >/dev/null 2>&1 || die "$1 not found: $2"
}
need cargo "install Rust (https://rustup.rs)"
need python3 "install Python 3.10 or later"
need node "install Node.js 18 or later"
need npm "install npm (it comes with Node.js)"
need wrk "install wrk (apt-get install wrk)"
[[ "$count" =~ ^[0-9]+$ && "$count" -ge 1000 ]] || die "LINES must be a number of at least 1000"

bundle="$root/schema/export/emma-events.schema.json"
[[ -f "$bundle" ]] || die "missing $bundle (run: cargo run -p emma-schema-cli -- export)"

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

run() { nice -n 10 "$@"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- tools ---------------------------------------------------------------------------------
echo "=== building emma (release)"
run cargo build --release -p emma-cli --quiet
target="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
emma="$target/release/emma"
cache="$target/peers-cache"
mkdir -p "$cache"

echo "=== Python jsonschema"
python="${PEERS_PYTHON:-}"
if [[ -z "$python" ]]; then
    if [[ -x "$root/tests/interop/.venv/bin/python" ]] &&
        "$root/tests/interop/.venv/bin/python" -c 'import jsonschema' 2>/dev/null; then
        python="$root/tests/interop/.venv/bin/python"
    else
        python="$cache/venv/bin/python"
        pinned="$(grep -E '^jsonschema==' "$root/tests/interop/python/requirements.txt")"
        if ! "$python" -c 'import jsonschema' 2>/dev/null; then
            python3 -m venv "$cache/venv"
            "$python" -m pip install --quiet --disable-pip-version-check --no-input "$pinned"
        fi
    fi
fi
jsonschema_version="$("$python" -c 'from importlib.metadata import version; print(version("jsonschema"))')"
python_version="$("$python" -c 'import platform; print(platform.python_version())')"

echo "=== ajv (npm)"
if [[ ! -f "$cache/node/node_modules/ajv/package.json" ]]; then
    mkdir -p "$cache/node"
    (cd "$cache/node" && echo '{"private": true}' >package.json &&
        npm install --no-audit --no-fund --loglevel=error ajv@8 >/dev/null)
fi
ajv_version="$(node -p "require('$cache/node/node_modules/ajv/package.json').version")"
node_version="$(node --version)"

echo "=== bare axum handler (release)"
bare="$cache/bare-axum"
mkdir -p "$bare/src"
cat >"$work/Cargo.toml" <<'TOML'
[package]
name = "bare-axum"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
axum = "0.8"
tokio = { version = "1", features = ["rt-multi-thread", "net"] }

[workspace]
TOML
cat >"$work/main.rs" <<'RUST'
//! The reference receiver: reads the body and answers 200, nothing more.
use axum::{Router, body::Bytes, http::StatusCode, routing::post};

async fn receive(body: Bytes) -> StatusCode {
    std::hint::black_box(body);
    StatusCode::OK
}

/// Usage: bare-axum PORT [current-thread]. By default the runtime `#[tokio::main]` builds
/// (multi-threaded, a worker per core); `current-thread` is the runtime `emma listen` runs on.
fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args
        .next()
        .and_then(|port| port.parse().ok())
        .expect("usage: bare-axum PORT [current-thread]");
    let mut runtime = match args.next().as_deref() {
        Some("current-thread") => tokio::runtime::Builder::new_current_thread(),
        _ => tokio::runtime::Builder::new_multi_thread(),
    };
    runtime.enable_all().build().unwrap().block_on(async move {
        let app = Router::new().route("/webhooks/emma", post(receive));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        axum::serve(listener, app).await.unwrap();
    });
}
RUST
cmp -s "$work/Cargo.toml" "$bare/Cargo.toml" || cp "$work/Cargo.toml" "$bare/Cargo.toml"
cmp -s "$work/main.rs" "$bare/src/main.rs" || cp "$work/main.rs" "$bare/src/main.rs"
# The workspace's lock file pins the same axum, hyper and tokio as emma's own build.
[[ -f "$bare/Cargo.lock" ]] || cp "$root/Cargo.lock" "$bare/Cargo.lock"
CARGO_TARGET_DIR="$bare/target" run cargo build --release --quiet --manifest-path "$bare/Cargo.toml"
bare_bin="$bare/target/release/bare-axum"
axum_version="$(cargo tree --manifest-path "$bare/Cargo.toml" -e normal --depth 1 2>/dev/null |
    sed -n 's/^[├└]── axum v\([^ ]*\).*/\1/p' | head -n 1)"

# --- the NDJSON file ---------------------------------------------------------------------
echo "=== generating $count deliveries"
input="$work/deliveries.ndjson"
"$emma" example --all >"$work/examples.ndjson"
# Nine kinds of invalid delivery that every JSON Schema validator must reject: a missing
# field, an ID as a string, a negative ID, a line cut short (not JSON), `data` not an object,
# no `data`, an unknown event whose `data` is not an object, a name that is not a string, a
# delivery that is not an object.
cat >"$work/bad.ndjson" <<'EOF'
{"event_name": "member_signup", "data": {"account_id": 1755030, "member_id": 6120458131}}
{"event_name": "message_click", "data": {"account_id": 1755030, "member_id": 6120458131, "mailing_id": 4296212601, "subject": "Sale", "timestamp": "@D:2017-12-21T11:03:40", "link_id": "8589934593"}}
{"event_name": "member_optout", "data": {"account_id": -1755030, "member_id": 6120458131, "mailing_id": 4296212601, "timestamp": "@D:2017-12-21T11:03:40"}}
{"event_name": "member_signup", "data": {"account_id": 1755030, "member_id": 61204
{"event_name": "group_create", "data": []}
{"event_name": "member_add"}
{"event_name": "some_future_event", "data": "x"}
{"event_name": 5, "data": {}}
["member_signup", {"account_id": 1755030}]
EOF
step=$((count / 16))
awk -v count="$count" -v step="$step" -v bad="$work/bad.ndjson" '
    BEGIN { while ((getline line < bad) > 0) bads[b++] = line }
    { examples[n++] = $0 }
    END {
        for (line = 1; line <= count; line++) {
            if (line % step == int(step / 2)) print bads[k++ % b]
            else print examples[line % n]
        }
    }' "$work/examples.ndjson" >"$input"
awk -v count="$count" -v step="$step" \
    'BEGIN { for (line = 1; line <= count; line++) if (line % step == int(step / 2)) print line }' \
    >"$work/expected.txt"
bytes=$(wc -c <"$input")

# --- the validators ------------------------------------------------------------------------
# Each prints the line numbers of the invalid deliveries, one a line, and exits 1 if any.
cat >"$work/jsonschema_peer.py" <<'PY'
import json, sys
from jsonschema import Draft202012Validator

with open(sys.argv[1], encoding="utf-8") as f:
    validator = Draft202012Validator(json.load(f))  # no format checker: `format` annotates
invalid = []
with open(sys.argv[2], "rb") as f:
    for number, line in enumerate(f, 1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except ValueError:
            invalid.append(number)
            continue
        if not validator.is_valid(document):
            invalid.append(number)
sys.stdout.write("".join(f"{n}\n" for n in invalid))
sys.exit(1 if invalid else 0)
PY
cat >"$work/ajv_peer.js" <<'JS'
// Reads the file in 1 MiB chunks and validates it line by line, as the others do.
const fs = require("fs");
const Ajv2020 = require(process.env.AJV_DIR + "/node_modules/ajv/dist/2020");
const schema = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
// strict: false for the bundle's `tsType` annotation; formats annotate, as in emma.
const validate = new Ajv2020({ strict: false, validateFormats: false }).compile(schema);
const invalid = [];
let number = 0;
function check(buffer, start, end) {
  number += 1;
  const text = buffer.toString("utf8", start, end);
  if (text.trim() === "") return;
  let document;
  try {
    document = JSON.parse(text);
  } catch (error) {
    invalid.push(number);
    return;
  }
  if (!validate(document)) invalid.push(number);
}
const fd = fs.openSync(process.argv[3], "r");
const chunk = Buffer.alloc(1 << 20);
let rest = Buffer.alloc(0);
for (;;) {
  const read = fs.readSync(fd, chunk, 0, chunk.length, null);
  if (read === 0) break;
  const buffer = rest.length ? Buffer.concat([rest, chunk.subarray(0, read)]) : chunk.subarray(0, read);
  let start = 0;
  for (let end = buffer.indexOf(10, start); end !== -1; end = buffer.indexOf(10, start)) {
    check(buffer, start, end);
    start = end + 1;
  }
  rest = Buffer.from(buffer.subarray(start));
}
if (rest.length) check(rest, 0, rest.length);
process.stdout.write(invalid.map((n) => n + "\n").join(""));
process.exit(invalid.length ? 1 : 0);
JS
export AJV_DIR="$cache/node"
emma_lines() { sed -n 's/.*"type":"error".*"line":\([0-9]*\),.*/\1/p'; }

cmd_emma="$emma validate --json --no-progress $input"
cmd_jsonschema="$python $work/jsonschema_peer.py $bundle $input"
cmd_ajv="node $work/ajv_peer.js $bundle $input"

stopwatch() { # OUTPUT COMMAND... -> runs COMMAND niced, its output to OUTPUT; prints seconds
    local out="$1" start end
    shift
    start=$(date +%s.%N)
    run "$@" >"$out" || true
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}
declare -A seconds

echo "=== same lines flagged? (one run of each; jsonschema's is also its timed run)"
stopwatch "$work/out.emma" $cmd_emma >/dev/null
emma_lines <"$work/out.emma" >"$work/flagged.emma"
seconds[jsonschema]=$(stopwatch "$work/flagged.jsonschema" $cmd_jsonschema)
stopwatch "$work/flagged.ajv" $cmd_ajv >/dev/null
agree=yes
for peer in emma jsonschema ajv; do
    printf '%-10s flags %s\n' "$peer" "$(paste -sd' ' "$work/flagged.$peer")"
    cmp -s "$work/flagged.$peer" "$work/expected.txt" || agree=no
done
printf '%-10s %s\n' planted "$(paste -sd' ' "$work/expected.txt")"

# jsonschema takes minutes on the default file (about 1,000 times emma's time): one run is
# enough to place it, PEERS_JSONSCHEMA_RUNS=3 takes the median of three.
jsonschema_runs="${PEERS_JSONSCHEMA_RUNS:-1}"
timed=(emma ajv)
[[ "$jsonschema_runs" -gt 1 ]] && timed+=(jsonschema)
echo "=== validate: $count lines, $((bytes / 1000)) kB"
for peer in "${timed[@]}"; do
    cmd="cmd_$peer"
    n=$runs
    [[ $peer == jsonschema ]] && n=$jsonschema_runs
    if command -v hyperfine >/dev/null 2>&1; then
        run hyperfine --runs "$n" --warmup 1 -N -i --style basic \
            --export-json "$work/time.$peer.json" -n "$peer" "${!cmd}" >&2
        seconds[$peer]="$(node -p 'require(process.argv[1]).results[0].median' "$work/time.$peer.json")"
    else
        for ((i = 0; i < n; i++)); do stopwatch /dev/null ${!cmd}; done | median >"$work/median"
        seconds[$peer]="$(cat "$work/median")"
    fi
done
if command -v hyperfine >/dev/null 2>&1; then
    timer="hyperfine, median of $runs runs after a warm-up"
else
    timer="date +%s.%N, median of $runs runs"
fi
if [[ "$jsonschema_runs" -gt 1 ]]; then
    timer="$timer (jsonschema: $jsonschema_runs runs)"
else
    timer="$timer; jsonschema: its one run above (PEERS_JSONSCHEMA_RUNS=3 for a median)"
fi
rate() { awk -v n="$count" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
for peer in emma jsonschema ajv; do
    printf '%-10s %8.3f s  %10s lines/s\n' "$peer" "${seconds[$peer]}" "$(rate "${seconds[$peer]}")"
done
vs_jsonschema="$(ratio "${seconds[jsonschema]}" "${seconds[emma]}")"
vs_ajv="$(ratio "${seconds[ajv]}" "${seconds[emma]}")"

echo "=== where the validators differ by design (not in the timed file)"
cat >"$work/edge.ndjson" <<'EOF'
{"event_name": "member_signup", "data": {"account_id": 1755030, "member_id": 6120458131, "mailing_id": 4296212601}}
{"event_name": "member_signup", "data": {"account_id": 1755030.0, "member_id": 6120458131, "mailing_id": 4296212601}}
{"event_name": "member_signup", "data": {"account_id": 1e3, "member_id": 6120458131, "mailing_id": 4296212601}}
{"event_name": "member_signup", "data": {"account_id": 18446744073709551616, "member_id": 6120458131, "mailing_id": 4296212601}}
{"event_name": "member_signup", "event_name": "some_future_event", "data": {"account_id": 1755030, "member_id": 6120458131, "mailing_id": 4296212601}}
EOF
set +e
"$emma" validate --json --no-progress "$work/edge.ndjson" | emma_lines >"$work/edge.emma"
"$python" "$work/jsonschema_peer.py" "$bundle" "$work/edge.ndjson" >"$work/edge.jsonschema"
node "$work/ajv_peer.js" "$bundle" "$work/edge.ndjson" >"$work/edge.ajv"
set -e
edge_names=("a valid delivery (control)" "an ID written 1755030.0" "an ID written 1e3"
    "an ID of 2^64 (past u64)" "\`event_name\` twice")
verdict() { grep -qx "$2" "$work/edge.$1" && echo rejects || echo accepts; }
edge_table="| document | emma | jsonschema | ajv |"$'\n'"|---|---|---|---|"
for i in 1 2 3 4 5; do
    edge_table+=$'\n'"| ${edge_names[i - 1]} | $(verdict emma "$i") | $(verdict jsonschema "$i") | $(verdict ajv "$i") |"
done
echo "$edge_table"

# --- listen --------------------------------------------------------------------------------
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_for_port() { # PORT PID NAME
    for _ in $(seq 100); do
        kill -0 "$2" 2>/dev/null || die "$3 exited before listening (see $work/$3.log)"
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    die "$3 is not listening on port $1 after 10 s"
}
start_server() { # NAME PORT COMMAND...
    local name="$1" port="$2"
    shift 2
    "$@" >/dev/null 2>"$work/$name.log" &
    pids+=("$!")
    wait_for_port "$port" "$!" "$name"
}
port_axum=$(free_port)
start_server axum "$port_axum" "$bare_bin" "$port_axum"
port_axum_current=$(free_port)
start_server axum-current "$port_axum_current" "$bare_bin" "$port_axum_current" current-thread
port_emma=$(free_port)
start_server emma "$port_emma" "$emma" listen --quiet --addr "127.0.0.1:$port_emma"
port_emma_record=$(free_port)
record="$work/record.ndjson"
start_server emma-record "$port_emma_record" "$emma" listen --quiet --addr "127.0.0.1:$port_emma_record" --record "$record"

body="$(grep -m 1 '"event_name": "member_add"' "$work/examples.ndjson")"
[[ -n "$body" ]] || die "no member_add example to post"
lua_string="$(printf '%s' "$body" | sed 's/\\/\\\\/g; s/"/\\"/g')"
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = "$lua_string"
LUA

load() { # NAME PORT SECONDS -> prints requests/s; fails on errors or non-2xx answers
    local out="$work/wrk.$1.txt"
    wrk -t "$threads" -c "$connections" -d "${3}s" -s "$work/post.lua" \
        "http://127.0.0.1:$2/webhooks/emma" >"$out" 2>&1 || die "wrk failed against $1: $(cat "$out")"
    if grep -qE 'Non-2xx|Socket errors' "$out"; then
        die "$1 answered errors under load: $(grep -E 'Non-2xx|Socket errors' "$out")"
    fi
    awk '/^Requests\/sec:/ { print $2 }' "$out"
}
count_requests() { awk '/requests in/ { print $1 }' "$work/wrk.$1.txt"; }

echo "=== listen: wrk -t$threads -c$connections, ${duration}s per run, $rounds rounds"
for name in axum axum-current emma emma-record; do
    port="port_${name//-/_}"
    load "$name" "${!port}" 2 >/dev/null # warm-up
done
recorded_requests=0
: >"$work/rps.axum"
: >"$work/rps.axum-current"
: >"$work/ratio.current"
: >"$work/rps.emma"
: >"$work/rps.emma-record"
: >"$work/ratio.emma"
: >"$work/ratio.record"
for ((round = 1; round <= rounds; round++)); do
    axum_rps=$(load axum "$port_axum" "$duration")
    current_rps=$(load axum-current "$port_axum_current" "$duration")
    emma_rps=$(load emma "$port_emma" "$duration")
    record_rps=$(load emma-record "$port_emma_record" "$duration")
    recorded_requests=$((recorded_requests + $(count_requests emma-record)))
    echo "$axum_rps" >>"$work/rps.axum"
    echo "$current_rps" >>"$work/rps.axum-current"
    echo "$(ratio "$emma_rps" "$current_rps")" >>"$work/ratio.current"
    echo "$emma_rps" >>"$work/rps.emma"
    echo "$record_rps" >>"$work/rps.emma-record"
    echo "$(ratio "$emma_rps" "$axum_rps")" >>"$work/ratio.emma"
    echo "$(ratio "$record_rps" "$emma_rps")" >>"$work/ratio.record"
    printf 'round %d: axum %s, axum current-thread %s, emma listen %s, emma listen --record %s req/s\n' \
        "$round" "$axum_rps" "$current_rps" "$emma_rps" "$record_rps"
done
rps_axum=$(median <"$work/rps.axum")
rps_current=$(median <"$work/rps.axum-current")
ratio_current=$(median <"$work/ratio.current")
rps_emma=$(median <"$work/rps.emma")
rps_record=$(median <"$work/rps.emma-record")
ratio_emma=$(median <"$work/ratio.emma")
ratio_record=$(median <"$work/ratio.record")
# Every delivery wrk saw answered must be in the record (which also holds the warm-up's).
record_lines=$(grep -c '' "$record")
[[ "$record_lines" -ge "$recorded_requests" ]] ||
    die "the record holds $record_lines deliveries, fewer than the $recorded_requests acknowledged"
echo "record: $record_lines deliveries for $recorded_requests answered in the timed runs (plus the warm-up)"

# --- summary -------------------------------------------------------------------------------
met() { awk -v v="$1" -v goal="$2" 'BEGIN { print (v >= goal) ? "met" : "**not met**" }'; }
group() { # 1234567.8 -> 1,234,568
    awk -v n="$1" 'BEGIN {
        s = sprintf("%.0f", n); out = ""
        while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
        print s out }'
}
cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
planted="$(paste -sd' ' "$work/expected.txt" | sed 's/ /, /g')"
same="$([[ $agree == yes ]] && echo "yes, the 16 planted" || echo "**no** (see above)")"
lines_s() { echo "$(group "$(rate "${seconds[$1]}")") lines/s"; }
req_s() { echo "$(group "$1") req/s"; }
cat <<EOF

## emma against its peers

Machine: $(nproc) cores, ${cpu:-unknown CPU}, load average $load_start at the start and $load_end at
the end (1, 5, 15 min); $(date -u '+%Y-%m-%d %H:%M UTC').
Command: \`emma-cli/bench/peers.sh $count\` (PEERS_DURATION=$duration PEERS_ROUNDS=$rounds PEERS_JSONSCHEMA_RUNS=$jsonschema_runs).
Peers: Python $python_version with jsonschema $jsonschema_version, Node $node_version with ajv $ajv_version, axum $axum_version.

| measurement | emma | peer | ratio | goal | |
|---|---:|---:|---:|---|---|
| validate vs jsonschema | $(lines_s emma) | $(lines_s jsonschema) | ${vs_jsonschema}× | ≥ 10× | $(met "$vs_jsonschema" 10) |
| validate vs ajv | $(lines_s emma) | $(lines_s ajv) | ${vs_ajv}× | ≥ 2× | $(met "$vs_ajv" 2) |
| same lines flagged by all three | | | | same lines | $same |
| listen vs bare axum (\`#[tokio::main]\`) | $(req_s "$rps_emma") | $(req_s "$rps_axum") | ${ratio_emma}× | ≥ 0.8× | $(met "$ratio_emma" 0.8) |
| listen vs bare axum (current-thread runtime, as emma's) | $(req_s "$rps_emma") | $(req_s "$rps_current") | ${ratio_current}× | (for reference) | |
| listen --record vs listen | $(req_s "$rps_record") | $(req_s "$rps_emma") | ${ratio_record}× | ≥ 0.5× | $(met "$ratio_record" 0.5) |

Validate: $count lines ($((bytes / 1000)) kB, 16 invalid at lines $planted);
$timer. Listen: wrk -t$threads -c$connections for $duration s on loopback, POST of one $(printf '%s' "$body" | wc -c)-byte
member_add delivery; requests/s are medians over the $rounds rounds, ratios the medians of each
round's ratio.

Documents on which the validators differ by design (not in the timed file):

$edge_table
EOF
[[ $agree == yes ]] || die "the validators did not flag the same lines (see above)"

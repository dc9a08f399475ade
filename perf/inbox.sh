#!/usr/bin/env bash
# The durable inbox's figures, side by side in one run, on loopback.
#
# Usage: perf/inbox.sh   (INBOX_DURATION seconds per load run, default 10; INBOX_ROUNDS, default 2)
#
#   ack       `emma listen --quiet` with no store, with `--inbox sqlite:FILE` and with
#             `--inbox postgres://...` (a throwaway server this script starts), under the same
#             wrk load: 64 keep-alive connections, 1 wrk thread, each request a member_signup
#             delivery with its own member_id (so that no two are copies and every one is
#             stored). Acknowledged deliveries/s and wrk's p99 latency; rounds alternate the
#             three, and each figure is the median over the rounds. Every answer must be 200,
#             and each inbox must hold at least as many deliveries as wrk counted answers.
#   bare      the same PostgreSQL server's multi-row INSERT rate into a copy of the inbox's
#             table (pgbench, 8 clients, 32 rows per statement with `ON CONFLICT DO NOTHING`,
#             as the inbox's group commit writes them): the practical limit for the receiver.
#   forward   `emma forward --until-empty --quiet --concurrency 64` of everything each inbox
#             received, to a bare axum sink (perf/src/bin/sink.rs): forwarded deliveries/s, and
#             the sink's count must equal the inbox's done count.
#
# Everything (receiver, PostgreSQL, wrk, forwarder, sink) shares this machine's cores, as the
# goals assume. Needs wrk (apt-get install wrk) and PostgreSQL's server programs (Debian's
# postgresql package). Ends with a markdown table of the figures against the goals.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
duration="${INBOX_DURATION:-10}"
rounds="${INBOX_ROUNDS:-2}"
connections=64

die() { echo "inbox.sh: $*" >&2; exit 1; }
command -v wrk >/dev/null || die "install wrk (apt-get install wrk)"
pg_bin="${EMMA_PG_BIN:-$(pg_config --bindir 2>/dev/null || true)}"
[ -x "$pg_bin/initdb" ] || pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$pg_bin/initdb" ] || die "install PostgreSQL's server programs (apt-get install postgresql)"

echo "=== building emma and the sink (release)"
cargo build --release --quiet -p emma-cli -p emma-perf --bin emma --bin sink
target="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
emma="$target/release/emma"
sink="$target/release/sink"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "${pg_pid:-}" ] && { kill -INT "$pg_pid" 2>/dev/null || true; wait "$pg_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "=== a throwaway PostgreSQL server"
as_pg=()
if [ "$(id -u)" = 0 ]; then chown postgres: "$work"; as_pg=(setpriv --reuid=postgres --regid=postgres --clear-groups); fi
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg" -A trust -U postgres >/dev/null
pg_port="$(free_port)"
"${as_pg[@]}" "$pg_bin/postgres" -D "$work/pg" -c listen_addresses=127.0.0.1 -p "$pg_port" -k "$work" \
  -c max_connections=200 >"$work/pg.log" 2>&1 &
pg_pid=$!
for _ in $(seq 100); do "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.1; done
pg="postgres://postgres@127.0.0.1:$pg_port/postgres"
psql() { "$pg_bin/psql" -X -q -t -A -v ON_ERROR_STOP=1 -d "$pg" "$@"; }
"$pg_bin/postgres" --version

cat >"$work/post.lua" <<'LUA'
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  -- Each run's deliveries differ from every other run's: none is a copy of an earlier one.
  n = 0
  run = tonumber(args[1])
end
function request()
  n = n + 1
  local body = string.format(
    '{"event_name": "member_signup", "data": {"account_id": 1755030, "member_id": %d, "mailing_id": 4296212601}}',
    run * 1000000000000 + id * 1000000000 + n)
  return wrk.format("POST", "/webhooks/emma", {["Content-Type"] = "application/json"}, body)
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f %d\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(99) / 1000.0, summary.duration))
end
LUA

# start_listener NAME ARGS...: starts `emma listen --quiet` on a free port; sets $port.
start_listener() {
  local name="$1"; shift
  port="$(free_port)"
  "$emma" --quiet listen --addr "127.0.0.1:$port" "$@" >/dev/null 2>"$work/$name.err" &
  pids+=("$!")
  listener_pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$work/$name.err" 2>/dev/null && return; sleep 0.05; done
  die "emma listen ($name) did not start: $(cat "$work/$name.err")"
}

# load NAME RUN: wrk against $port, run number RUN; appends "requests errors p99_ms seconds" to $work/NAME.runs.
load() {
  wrk -t 1 -c "$connections" -d "${duration}s" -s "$work/post.lua" "http://127.0.0.1:$port/webhooks/emma" -- "$2" \
    >"$work/wrk.$1.txt" 2>&1 || die "wrk failed against $1: $(cat "$work/wrk.$1.txt")"
  local result
  result="$(awk '/^RESULT/ { print $2, $3, $4, $5 }' "$work/wrk.$1.txt")"
  [ -n "$result" ] || die "no result from wrk against $1: $(cat "$work/wrk.$1.txt")"
  set -- "$1" $result # name, requests, errors, p99, duration
  [ "$3" = 0 ] || die "$1: $3 answers were not 2xx (or failed): $(cat "$work/wrk.$1.txt")"
  echo "$2 $4 $5" >>"$work/$1.runs"
  printf '  %-10s %8.0f deliveries/s, p99 %7.2f ms\n' "$1" "$(echo "$2 / ($5 / 1000000)" | bc -l)" "$4"
}

echo "=== acknowledged deliveries: wrk -t1 -c$connections, ${duration}s per run, $rounds rounds"
sqlite="sqlite:$work/inbox.db"
for round in $(seq "$rounds"); do
  echo " round $round"
  for name in none sqlite postgres; do
    case "$name" in
      none) start_listener none ;;
      sqlite) start_listener sqlite --inbox "$sqlite" ;;
      postgres) start_listener postgres --inbox "$pg" ;;
    esac
    load "$name" "$round"
    kill "$listener_pid"; wait "$listener_pid" 2>/dev/null || true
  done
done

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
rate_of() { awk '{ printf "%.1f\n", $1 / ($3 / 1000000) }' "$work/$1.runs" | median; }
p99_of() { awk '{ print $2 }' "$work/$1.runs" | median; }
answered_of() { awk '{ s += $1 } END { print s }' "$work/$1.runs"; }

stored_sqlite="$("$emma" inbox status --json --inbox "$sqlite" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(d.values()))')"
stored_pg="$("$emma" inbox status --json --inbox "$pg" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(d.values()))')"
[ "$stored_sqlite" -ge "$(answered_of sqlite)" ] || die "SQLite holds $stored_sqlite deliveries, wrk saw $(answered_of sqlite) answered"
[ "$stored_pg" -ge "$(answered_of postgres)" ] || die "PostgreSQL holds $stored_pg deliveries, wrk saw $(answered_of postgres) answered"
echo "  stored: SQLite $stored_sqlite (wrk answered $(answered_of sqlite)), PostgreSQL $stored_pg (wrk answered $(answered_of postgres))"

echo "=== bare multi-row INSERT into the same server (pgbench -c8 -j2, 32 rows per statement)"
psql -c "CREATE TABLE bare_inserts (LIKE emma_inbox_deliveries INCLUDING ALL)"
cat >"$work/insert.sql" <<'SQL'
INSERT INTO bare_inserts (received_at, event, dedupe_key, order_key, headers, body, next_run_at)
SELECT 0, 'member_signup', md5(random()::text || g::text), NULL, '[["content-type","application/json"]]',
       convert_to('{"event_name": "member_signup", "data": {"account_id": 1755030, "member_id": ' || g || ', "mailing_id": 4296212601}}', 'UTF8'), 0
FROM generate_series(1, 32) AS g
ON CONFLICT (dedupe_key) DO NOTHING;
SQL
"$pg_bin/pgbench" -n -h 127.0.0.1 -p "$pg_port" -U postgres -c 8 -j 2 -T "$duration" -f "$work/insert.sql" postgres \
  >"$work/pgbench.txt" 2>&1 || die "pgbench failed: $(cat "$work/pgbench.txt")"
bare_tps="$(awk '/^tps/ { print $3 }' "$work/pgbench.txt")"
bare_rows="$(echo "$bare_tps * 32" | bc -l)"
printf '  %.0f statements/s, %.0f rows/s\n' "$bare_tps" "$bare_rows"

echo "=== forwarded deliveries: emma forward --concurrency 64 to a bare sink"
forward() {
  local name="$1" inbox="$2"
  local sink_port; sink_port="$(free_port)"
  mkfifo "$work/sink.$name.in"
  "$sink" "$sink_port" <"$work/sink.$name.in" >"$work/sink.$name.out" &
  local sink_pid=$!
  exec 7>"$work/sink.$name.in"
  for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$sink_port") 2>/dev/null && break; sleep 0.05; done
  local start end
  start="$(date +%s.%N)"
  "$emma" --quiet forward --inbox "$inbox" --to "http://127.0.0.1:$sink_port/hooks" --concurrency 64 --until-empty \
    2>"$work/forward.$name.err" || die "emma forward ($name) failed: $(cat "$work/forward.$name.err")"
  end="$(date +%s.%N)"
  exec 7>&-
  wait "$sink_pid"
  local done_count posted
  done_count="$("$emma" inbox status --json --inbox "$inbox" | python3 -c 'import json,sys; print(json.load(sys.stdin)["done"])')"
  posted="$(cat "$work/sink.$name.out")"
  [ "$posted" -ge "$done_count" ] || die "$name: the sink saw $posted posts for $done_count done"
  echo "$done_count $(echo "$done_count / ($end - $start)" | bc -l)" >"$work/forward.$name"
  printf '  %-10s %d deliveries in %.2f s: %.0f forwarded/s\n' "$name" "$done_count" "$(echo "$end - $start" | bc -l)" \
    "$(echo "$done_count / ($end - $start)" | bc -l)"
}
forward sqlite "$sqlite"
forward postgres "$pg"

none="$(rate_of none)"; sq="$(rate_of sqlite)"; pq="$(rate_of postgres)"
ratio_sq="$(echo "$sq / $none" | bc -l)"
ratio_pq_bare="$(echo "$pq / $bare_rows" | bc -l)"
fwd_sq="$(awk '{ print $2 }' "$work/forward.sqlite")"; fwd_pq="$(awk '{ print $2 }' "$work/forward.postgres")"
met() { if [ "$(echo "$1 >= $2" | bc -l)" = 1 ]; then echo "met"; else echo "**missed**"; fi; }
below() { if [ "$(echo "$1 < $2" | bc -l)" = 1 ]; then echo "met"; else echo "**missed**"; fi; }

cat <<EOF

| measured ($(date -u +%F), $(nproc) cores, $(uname -m)) | figure | goal | |
| --- | ---: | --- | --- |
| acknowledged/s, \`emma listen\` with no store | $(printf '%.0f' "$none") | (reference) | |
| acknowledged/s into SQLite (WAL, synchronous=FULL) | $(printf '%.0f' "$sq") ($(printf '%.2f' "$ratio_sq")× no store) | ≥ 0.5× no store | $(met "$ratio_sq" 0.5) |
| acknowledged/s into PostgreSQL | $(printf '%.0f' "$pq") ($(printf '%.2f' "$ratio_pq_bare")× bare INSERT) | ≥ 10,000 | $(met "$pq" 10000) |
| bare multi-row INSERT rows/s, same server | $(printf '%.0f' "$bare_rows") | (the practical limit) | |
| acknowledgement p99, no store / SQLite / PostgreSQL | $(p99_of none) / $(p99_of sqlite) / $(p99_of postgres) ms | < 100 ms | $(below "$(p99_of sqlite)" 100) / $(below "$(p99_of postgres)" 100) |
| forwarded/s to a bare sink, from SQLite / PostgreSQL | $(printf '%.0f' "$fwd_sq") / $(printf '%.0f' "$fwd_pq") | ≥ 3,000 | $(met "$fwd_sq" 3000) / $(met "$fwd_pq" 3000) |

\`perf/inbox.sh\` (INBOX_DURATION=$duration, INBOX_ROUNDS=$rounds): wrk -t1 -c$connections on loopback, every
answer 200, each inbox holding every delivery wrk saw answered; medians over the rounds.
EOF

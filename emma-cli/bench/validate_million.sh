#!/usr/bin/env bash
# Measures `emma validate` on a generated NDJSON file: throughput and peak memory.
#
# Usage: emma-cli/bench/validate_million.sh [DELIVERIES]   (default 1000000)
#
# Builds the release binary, writes DELIVERIES lines to a temporary file by cycling through
# every example of the schema (`emma example --all`) with a bad line every 100 000 lines,
# runs `emma validate --json` on it under `/usr/bin/time -v`, checks that exactly the bad
# lines were reported, and prints lines/s, MB/s and the maximum resident set size.
set -euo pipefail

count="${1:-1000000}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

cargo build --release -p emma-cli --quiet
emma="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/release/emma"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
input="$work/deliveries.ndjson"

"$emma" example --all >"$work/examples.ndjson"
awk -v count="$count" '
    { examples[n++] = $0 }
    END {
        for (line = 1; line <= count; line++) {
            if (line % 100000 == 0) print "{\"event_name\": \"member_signup\", \"data\": {\"account_id\": \"x\"}}"
            else print examples[line % n]
        }
    }' "$work/examples.ndjson" >"$input"
bytes=$(wc -c <"$input")
expected_errors=$((count / 100000))

if [ -x /usr/bin/time ]; then
    set +e
    /usr/bin/time -v -o "$work/time.txt" "$emma" validate --json --no-progress "$input" >"$work/out.ndjson"
    status=$?
    set -e
    seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, part, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + part[i]
        print s }' "$work/time.txt")
    rss_kib=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
else
    echo "note: /usr/bin/time not found (apt-get install time); peak memory not measured" >&2
    start=$(date +%s.%N)
    set +e
    "$emma" validate --json --no-progress "$input" >"$work/out.ndjson"
    status=$?
    set -e
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    rss_kib=""
fi

errors=$(grep -c '"type":"error"' "$work/out.ndjson" || true)
if [ "$status" -ne 1 ] || [ "$errors" -ne "$expected_errors" ]; then
    echo "FAILED: exit status $status, $errors errors reported, $expected_errors expected" >&2
    exit 1
fi

awk -v lines="$count" -v bytes="$bytes" -v s="$seconds" -v rss="$rss_kib" 'BEGIN {
    printf "deliveries: %d (%.1f MB), %d bad lines reported as expected\n", lines, bytes / 1e6, lines / 100000
    printf "time: %.2f s\n", s
    printf "throughput: %.0f lines/s, %.1f MB/s\n", lines / s, bytes / 1e6 / s
    if (rss != "") printf "peak memory (max RSS): %.1f MiB\n", rss / 1024
}'

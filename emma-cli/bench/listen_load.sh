#!/usr/bin/env bash
# Loads `emma listen` and kills it midway: throughput, peak memory, and nothing acknowledged
# lost.
#
# Usage: emma-cli/bench/listen_load.sh [DELIVERIES]   (default 100000)
#
# Runs the ignored tests of emma-cli/tests/load.rs on a release build, niced (the machine
# is shared): a client of 64 keep-alive connections posts DELIVERIES numbered deliveries,
# one in ten invalid, to `emma listen` without --record, then with it; each run checks
# that every delivery answered 2xx is in the record exactly once, that no invalid one is,
# that the counts printed match, and prints deliveries/s and the receiver's peak RSS
# (VmHWM). The crash run SIGKILLs the receiver a third of the way through and checks that
# every acknowledged delivery is in the record, that only a last line may be torn (and
# `emma validate` reports it), and that a receiver restarted on the record goes on.
set -euo pipefail

count="${1:-100000}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

EMMA_LOAD_DELIVERIES="$count" nice -n 10 cargo test --release -p emma-cli --test load -- \
    --ignored --nocapture --test-threads 1 2>&1 |
    grep -E '^(with|without|crash)|^test |test result|panicked|assert'

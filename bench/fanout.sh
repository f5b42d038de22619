#!/usr/bin/env bash
# bench/fanout.sh [ROUNDS] [RUNS]: delivery latency from one sender to
# N = 10, 100, 1000 long-polling readers of one room (bench-fanout), on a
# fresh relay (release build); each N is run RUNS times (default 3) of
# ROUNDS messages (default 20) and every run's p50/p99/max is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${BUILD:-build-bench}
. bench/lib.sh
NOLIMIT=$(nolimit_args "$B/relay/relay")
rounds=${1:-20} runs=${2:-3}
W=$(mktemp -d "${TMPDIR:-/tmp}/e2e-fanout.XXXXXX")
"$B/relay/relay" --port 0 --db "$W/relay.db" --quiet $NOLIMIT >/dev/null 2>"$W/relay.log" &
relay_pid=$!
trap 'kill $relay_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT
port=$(relay_port "$W/relay.log")
url=http://127.0.0.1:$port
FORGE=$B/tests/forge bench/setup.sh "$url" "$W/files" 2 >/dev/null
reader=$(sed -n 1p "$W/files/tokens") sender=$(sed -n 2p "$W/files/tokens")
for n in 10 100 1000; do
	for ((r = 1; r <= runs; r++)); do
		"$B/bench/bench-fanout" fanout "$url" bench "$reader" "$sender" "$W/files/msg.json" \
			"$n" "$rounds"
	done
done

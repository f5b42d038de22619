#!/usr/bin/env bash
# bench/idle.sh [CLIENTS] [DURATION]: CLIENTS (default 10,000) readers
# parked in long-polls on one room of the relay (release build), held by
# bench-fanout hold; prints the relay's RSS before and with them (and so
# the memory per waiting client), then the posting rate (wrk, as in
# compare.sh) into another room while they wait, against the same post
# load with nobody waiting.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${BUILD:-build-bench}
. bench/lib.sh
NOLIMIT=$(nolimit_args "$B/relay/relay")
clients=${1:-10000} dur=${2:-10s}
W=$(mktemp -d "${TMPDIR:-/tmp}/e2e-idle.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT

"$B/relay/relay" --port 0 --db "$W/relay.db" --quiet $NOLIMIT >/dev/null 2>"$W/relay.log" &
relay_pid=$!
pids+=("$relay_pid")
port=$(relay_port "$W/relay.log")
url=http://127.0.0.1:$port
FORGE=$B/tests/forge bench/setup.sh "$url" "$W/files" 256 >/dev/null
rss() { awk '/VmRSS/ { print $2 }' "/proc/$relay_pid/status"; }
export BENCH_DIR=$W/files BENCH_THREADS=2
post_rate() {
	COUNTER_BASE=$(date +%s%3N) wrk -t2 -c32 -d"$dur" -s bench/post.lua "$url" |
		awk '/Requests\/sec:/ { print $2 }'
}

rate_before=$(post_rate)
rss_before=$(rss)
"$B/bench/bench-fanout" hold "$url" big "$(cat "$W/files/big.alice.token")" "$clients" \
	>"$W/hold.out" 2>"$W/hold.err" &
pids+=($!)
for i in $(seq 1 600); do
	grep -q holding "$W/hold.out" && break
	sleep 0.1
done
grep -q holding "$W/hold.out" || { cat "$W/hold.err" >&2; exit 1; }
rss_with=$(rss)
waiting=$(curl -s "$url/metrics" | awk '/^e2e_waiting_clients/ { print $2 }')
rate_with=$(post_rate)
waiting_after=$(curl -s "$url/metrics" | awk '/^e2e_waiting_clients/ { print $2 }')
cpu=$(awk '{ print $14 + $15 }' "/proc/$relay_pid/stat")
sleep 5
cpu_idle=$(( $(awk '{ print $14 + $15 }' "/proc/$relay_pid/stat") - cpu ))
echo "idle: $waiting clients waiting (still $waiting_after after the post load)"
echo "idle: relay RSS $rss_before KiB before, $rss_with KiB with them:" \
	"$(( (rss_with - rss_before) * 1024 / clients )) bytes per waiting client"
echo "idle: posts/s into another room: $rate_before with nobody waiting, $rate_with while they wait"
echo "idle: relay CPU over 5 s with them parked and nothing posted: $cpu_idle ticks ($(getconf CLK_TCK)/s)"

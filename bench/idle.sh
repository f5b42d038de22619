#!/usr/bin/env bash
# bench/idle.sh [CLIENTS] [DURATION]: CLIENTS (default 10,000) readers
# parked in long-polls on one room of the relay (release build), held by
# bench-fanout hold; prints the relay's RSS before and with them (and so
# the memory per waiting client), then the posting rate (wrk, as in
# compare.sh) into another room while they wait, against the same post
# load with nobody waiting.
# Then the same CLIENTS readers parked on a channel of nginx + nchan
# (bench/peers/; bench-fanout nchan-hold), its RSS (master and workers
# together, as the relay's is the whole process) before and with them,
# and the ratio of the two servers' memory per waiting reader. ROUNDS
# (default 1) repeats both measurements, alternating, and prints each.
# RELAY=/path/to/another/relay measures that build instead.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${BUILD:-build-bench}
. bench/lib.sh
RELAY=${RELAY:-$B/relay/relay}
NOLIMIT=$(nolimit_args "$RELAY")
clients=${1:-10000} dur=${2:-10s} rounds=${3:-1}
W=$(mktemp -d "${TMPDIR:-/tmp}/e2e-idle.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT

"$RELAY" --port 0 --db "$W/relay.db" --quiet $NOLIMIT >/dev/null 2>"$W/relay.log" &
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

. bench/peers/nchan.sh
nchan_start "$W/nchan"
nchan_url=http://127.0.0.1:$nchan_port

# hold_until_parked OUT ARGS...: bench-fanout ARGS in the background until
# it prints "holding"; sets HOLD_PID
hold_until_parked() {
	local out=$1 i
	shift
	"$B/bench/bench-fanout" "$@" >"$out" 2>"$out.err" &
	HOLD_PID=$!
	pids+=("$HOLD_PID")
	for i in $(seq 1 600); do
		grep -q holding "$out" && return 0
		sleep 0.1
	done
	cat "$out.err" >&2
	return 1
}

for ((r = 1; r <= rounds; r++)); do
	echo "idle: round $r: $(uptime)"
	rate_before=$(post_rate)
	rss_before=$(rss)
	hold_until_parked "$W/hold.out" hold "$url" big "$(cat "$W/files/big.alice.token")" "$clients"
	rss_with=$(rss)
	waiting=$(curl -s "$url/metrics" | awk '/^e2e_waiting_clients/ { print $2 }')
	rate_with=$(post_rate)
	waiting_after=$(curl -s "$url/metrics" | awk '/^e2e_waiting_clients/ { print $2 }')
	cpu=$(awk '{ print $14 + $15 }' "/proc/$relay_pid/stat")
	sleep 5
	cpu_idle=$(( $(awk '{ print $14 + $15 }' "/proc/$relay_pid/stat") - cpu ))
	kill "$HOLD_PID"
	wait "$HOLD_PID" 2>/dev/null || true
	relay_per=$(( (rss_with - rss_before) * 1024 / clients ))
	echo "idle: $waiting clients waiting (still $waiting_after after the post load)"
	echo "idle: relay RSS $rss_before KiB before, $rss_with KiB with them:" \
		"$relay_per bytes per waiting client"
	echo "idle: posts/s into another room: $rate_before with nobody waiting, $rate_with while they wait"
	echo "idle: relay CPU over 5 s with them parked and nothing posted: $cpu_idle ticks ($(getconf CLK_TCK)/s)"

	n_before=$(nchan_rss)
	hold_until_parked "$W/nhold.out" nchan-hold "$nchan_url" "idle$r" "$clients"
	n_with=$(nchan_rss)
	n_waiting=$(nchan_waiting)
	cpu=$(nchan_cpu_ticks)
	sleep 5
	n_idle=$(( $(nchan_cpu_ticks) - cpu ))
	kill "$HOLD_PID"
	wait "$HOLD_PID" 2>/dev/null || true
	nchan_per=$(( (n_with - n_before) * 1024 / clients ))
	echo "idle: nchan: $n_waiting subscribers waiting; RSS (master + workers) $n_before KiB before," \
		"$n_with KiB with them: $nchan_per bytes per waiting client; CPU over 5 s: $n_idle ticks"
	echo "idle: memory per waiting client, relay / nchan: $relay_per / $nchan_per =" \
		"$(echo "scale=2; $relay_per / $nchan_per" | bc)"
done

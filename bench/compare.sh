#!/usr/bin/env bash
# bench/compare.sh [ROUNDS] [DURATION] [CONNECTIONS]: the same wrk load
# against bench-floor (bare libmicrohttpd, fixed JSON reply) and the relay
# (release build, --quiet, a fresh database), in one run, alternating
# floor/relay ROUNDS times (default 3, DURATION 10s each, wrk -t2 -c32),
# then prints the medians and relay/floor ratios for
#   post   POST a message with a 300-byte ciphertext (bench/post.lua)
#   read1  GET with after= from a room of 100,000 messages, one newer
#          than after (what a polling client reads; bench/read.lua);
#          every request is the same, so the relay's reply cache answers
#          most of them (the token is still checked each time)
#   read1r the same, but each request asks after= a random one of the
#          1,000 newest (limit=1): rarely two alike in a row, so nearly every one is a query
#   read100 after= the 100th newest: a page of 100 (for information)
# BASE=/path/to/another/relay adds that build as a third server, on its
# own fresh database filled the same way, in the same alternation, and
# two columns: its rps and this relay's rps over it (above 1: faster).
# Build first: meson setup build-bench --buildtype=release &&
# ninja -C build-bench bench
set -euo pipefail
cd "$(dirname "$0")/.."
B=${BUILD:-build-bench}
. bench/lib.sh
NOLIMIT=$(nolimit_args "${RELAY:-$B/relay/relay}")
rounds=${1:-3} dur=${2:-10s} conns=${3:-32}
W=$(mktemp -d "${TMPDIR:-/tmp}/e2e-bench.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT

# start NAME CMD...: run CMD in the background, wait for its port line;
# sets PORT and PID
start() {
	local name=$1 line i
	shift
	"$@" >/dev/null 2>"$W/$name.log" &
	PID=$!
	pids+=("$PID")
	for i in $(seq 1 100); do
		line=$(grep -m1 -o 'listening on [^ ]*' "$W/$name.log" 2>/dev/null || true) # not there yet: empty
		[ -n "$line" ] && break
		sleep 0.1
	done
	[ -n "$line" ] || { cat "$W/$name.log" >&2; exit 1; }
	PORT=$(sed 's/.*[:] *\([0-9][0-9]*\)$/\1/; s/.*on \([0-9][0-9]*\)$/\1/' <<<"$line")
}

start relay "${RELAY:-$B/relay/relay}" --port 0 --db "$W/relay.db" --quiet $NOLIMIT ${RELAY_ARGS:-}
relay_port=$PORT relay_pid=$PID
start floor "$B/bench/bench-floor" --port 0
floor_port=$PORT
relay=http://127.0.0.1:$relay_port
floor=http://127.0.0.1:$floor_port
targets="floor relay"
FORGE=$B/tests/forge bench/setup.sh "$relay" "$W/files" 256 >/dev/null
bench/fill.sh "$W/relay.db" big 100000 >/dev/null
last=$(sqlite3 "$W/relay.db" "SELECT max(seq) FROM messages")
if [ -n "${BASE:-}" ]; then
	# its own tokens (BENCH_DIR), the same seqs (checked: AFTER is shared)
	start base "$BASE" --port 0 --db "$W/base.db" --quiet $(nolimit_args "$BASE") ${RELAY_ARGS:-}
	base=http://127.0.0.1:$PORT
	FORGE=$B/tests/forge bench/setup.sh "$base" "$W/files_base" 256 >/dev/null
	bench/fill.sh "$W/base.db" big 100000 >/dev/null
	[ "$(sqlite3 "$W/base.db" "SELECT max(seq) FROM messages")" = "$last" ] ||
		{ echo "compare.sh: BASE's room big got other seqs" >&2; exit 1; }
	targets="floor relay base"
fi

export BENCH_THREADS=2
# wrk_run URL SCRIPT -> "rps p99_ms non2xx"
wrk_run() {
	local out
	out=$(COUNTER_BASE=$(date +%s%3N) wrk -t2 -c"$conns" -d"$dur" --latency -s "$2" "$1")
	awk '/Requests\/sec:/ { rps = $2 }
	     /^ *99%/ { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
	                p99 = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : v }
	     /Non-2xx/ { bad = $NF }
	     END { printf "%s %.2f %d\n", rps, p99, bad }' <<<"$out"
}

declare -A res
for ((r = 1; r <= rounds; r++)); do
	for w in post read1 read1r read100; do
		case $w in
		post) script=bench/post.lua; unset AFTER LIMIT SPREAD ;;
		read1) script=bench/read.lua; export AFTER=$((last - 1)); unset LIMIT SPREAD ;;
		read1r) script=bench/read.lua; export AFTER=$((last - 1)) LIMIT=1 SPREAD=1000 ;;
		read100) script=bench/read.lua; export AFTER=$((last - 100)) LIMIT=100; unset SPREAD ;;
		esac
		for target in $targets; do
			url=${!target}
			export BENCH_DIR=$W/files # the floor ignores the tokens
			[ "$target" = base ] && BENCH_DIR=$W/files_base
			res[$w.$target]+="$(wrk_run "$url" "$script")"$'\n'
		done
	done
done
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$relay_pid/status")

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-8s %12s %12s %7s %14s %9s' workload floor_rps relay_rps ratio relay_p99_ms non2xx
[ -z "${BASE:-}" ] || printf ' %12s %11s' base_rps relay/base
printf '   %s\n' "relay rps per round"
for w in post read1 read1r read100; do
	f=$(cut -d' ' -f1 <<<"${res[$w.floor]}" | grep . | median)
	x=$(cut -d' ' -f1 <<<"${res[$w.relay]}" | grep . | median)
	p=$(cut -d' ' -f2 <<<"${res[$w.relay]}" | grep . | median)
	bad=$(cut -d' ' -f3 <<<"${res[$w.relay]}" | grep . | paste -sd+ | bc)
	all=$(cut -d' ' -f1 <<<"${res[$w.relay]}" | grep . | paste -sd' ')
	printf '%-8s %12.0f %12.0f %7.2f %14s %9s' "$w" "$f" "$x" "$(echo "$x / $f" | bc -l)" \
		"$p" "$bad"
	if [ -n "${BASE:-}" ]; then
		y=$(cut -d' ' -f1 <<<"${res[$w.base]}" | grep . | median)
		printf ' %12.0f %11.2f' "$y" "$(echo "$x / $y" | bc -l)"
	fi
	printf '   %s\n' "$all"
done
echo "messages in the database at the end: $(sqlite3 "$W/relay.db" 'SELECT count(*) FROM messages');" \
	"relay RSS ${rss} KiB; wrk -t2 -c$conns -d$dur, $rounds rounds; $(nproc) cores shared by wrk and the server"

#!/usr/bin/env bash
# bench/compare.sh [ROUNDS] [DURATION] [CONNECTIONS]: the same wrk load
# against bench-floor (bare libmicrohttpd, fixed JSON reply), nginx +
# nchan (bench/peers/: what an operator would deploy instead) and the
# relay (release build, --quiet, a fresh database), in one run,
# alternating them ROUNDS times (default 3, DURATION 10s each, wrk -t2
# -c32), then prints the medians and relay/floor and relay/nchan ratios
# (with `uptime` before each round) for
#   post   POST a message with a 300-byte ciphertext (bench/post.lua) into
#          a room with no cap in reach (the relay runs with
#          --max-messages 1000000000); nchan publishes the same body to
#          one channel keeping 100,000 messages (bench/peers/publish.lua)
#   postcap the same post into a room at its 100,000-message cap (a
#          second relay, default --max-messages, its room "bench" filled
#          with 100,000 messages first): every post expires the oldest;
#          the ratio printed is postcap over post
#   read1  GET with after= from a room of 100,000 messages, one newer
#          than after (what a polling client reads; bench/read.lua);
#          every request is the same, so the relay's reply cache answers
#          most of them (the token is still checked each time)
#   read1r the same, but each request asks after= a random one of the
#          1,000 newest (limit=1): rarely two alike in a row, so nearly every one is a query
#   read100 after= the 100th newest: a page of 100 (for information)
# WORKLOADS="post postcap" runs only those (default: all five).
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
workloads=${WORKLOADS:-post postcap read1 read1r read100}
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

start relay "${RELAY:-$B/relay/relay}" --port 0 --db "$W/relay.db" --quiet $NOLIMIT \
	--max-messages 1000000000 ${RELAY_ARGS:-}
relay_port=$PORT relay_pid=$PID
start floor "$B/bench/bench-floor" --port 0
floor_port=$PORT
. bench/peers/nchan.sh
nchan_start "$W/nchan"
relay=http://127.0.0.1:$relay_port
floor=http://127.0.0.1:$floor_port
nchan=http://127.0.0.1:$nchan_port
targets="floor relay nchan"
FORGE=$B/tests/forge bench/setup.sh "$relay" "$W/files" 256 >/dev/null
bench/fill.sh "$W/relay.db" big 100000 >/dev/null
# the capped room: another relay (the default cap of 100,000 messages
# per room), its room "bench" full before the first round
start cap "${RELAY:-$B/relay/relay}" --port 0 --db "$W/cap.db" --quiet $NOLIMIT ${RELAY_ARGS:-}
cap=http://127.0.0.1:$PORT
FORGE=$B/tests/forge bench/setup.sh "$cap" "$W/files_cap" 256 >/dev/null
bench/fill.sh "$W/cap.db" bench 100000 >/dev/null
last=$(sqlite3 "$W/relay.db" "SELECT max(seq) FROM messages")
if [ -n "${BASE:-}" ]; then
	# its own tokens (BENCH_DIR), the same seqs (checked: AFTER is shared)
	start base "$BASE" --port 0 --db "$W/base.db" --quiet $(nolimit_args "$BASE") ${RELAY_ARGS:-}
	base=http://127.0.0.1:$PORT
	FORGE=$B/tests/forge bench/setup.sh "$base" "$W/files_base" 256 >/dev/null
	bench/fill.sh "$W/base.db" big 100000 >/dev/null
	[ "$(sqlite3 "$W/base.db" "SELECT max(seq) FROM messages")" = "$last" ] ||
		{ echo "compare.sh: BASE's room big got other seqs" >&2; exit 1; }
	targets="floor relay nchan base"
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
loads=()
for ((r = 1; r <= rounds; r++)); do
	loads+=("round $r: $(uptime)")
	for w in $workloads; do
		case $w in
		post|postcap) script=bench/post.lua; unset AFTER LIMIT SPREAD ;;
		read1) script=bench/read.lua; export AFTER=$((last - 1)); unset LIMIT SPREAD ;;
		read1r) script=bench/read.lua; export AFTER=$((last - 1)) LIMIT=1 SPREAD=1000 ;;
		read100) script=bench/read.lua; export AFTER=$((last - 100)) LIMIT=100; unset SPREAD ;;
		esac
		for target in $targets cap; do
			# postcap is the capped relay's alone; nchan only publishes
			[ "$w" = postcap ] && [ "$target" != cap ] && continue
			[ "$w" != postcap ] && [ "$target" = cap ] && continue
			[ "$target" = nchan ] && [ "$w" != post ] && continue
			url=${!target} s=$script
			export BENCH_DIR=$W/files # the floor ignores the tokens
			[ "$target" = base ] && BENCH_DIR=$W/files_base
			[ "$target" = cap ] && BENCH_DIR=$W/files_cap
			[ "$target" = nchan ] && s=bench/peers/publish.lua
			res[$w.$target]+="$(wrk_run "$url" "$s")"$'\n'
		done
	done
done
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$relay_pid/status")

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { cut -d' ' -f"$2" <<<"${res[$1]}" | grep . || true; } # KEY FIELD: one value a round
printf '%s\n' "${loads[@]}"
printf '%-8s %10s %10s %7s %10s %8s %9s %7s' workload floor_rps relay_rps /floor \
	nchan_rps /nchan relay_p99 non2xx
[ -z "${BASE:-}" ] || printf ' %10s %7s' base_rps /base
printf '   %s\n' "relay rps per round (nchan's)"
for w in $workloads; do
	src=relay
	[ "$w" = postcap ] && src=cap
	x=$(col "$w.$src" 1 | median)
	p=$(col "$w.$src" 2 | median)
	bad=$(col "$w.$src" 3 | paste -sd+ | bc)
	all=$(col "$w.$src" 1 | paste -sd' ')
	if [ "$w" = postcap ]; then # against the uncapped post, not the floor
		u=$(col post.relay 1 | median)
		printf '%-8s %10s %10.0f %7s %10s %8s %9s %7s' "$w" - "$x" - - - "$p" "$bad"
		[ -z "${BASE:-}" ] || printf ' %10s %7s' - -
		printf '   %s' "$all"
		[ -z "$u" ] || printf '; postcap/post %.2f' "$(echo "$x / $u" | bc -l)"
		printf '\n'
		continue
	fi
	f=$(col "$w.floor" 1 | median)
	printf '%-8s %10.0f %10.0f %7.2f' "$w" "$f" "$x" "$(echo "$x / $f" | bc -l)"
	if [ "$w" = post ]; then
		n=$(col post.nchan 1 | median)
		printf ' %10.0f %8.2f' "$n" "$(echo "$x / $n" | bc -l)"
	else
		printf ' %10s %8s' - -
	fi
	printf ' %9s %7s' "$p" "$bad"
	if [ -n "${BASE:-}" ]; then
		y=$(col "$w.base" 1 | median)
		printf ' %10.0f %7.2f' "$y" "$(echo "$x / $y" | bc -l)"
	fi
	printf '   %s' "$all"
	[ "$w" = post ] && printf ' (nchan %s; non-2xx %s)' "$(col post.nchan 1 | paste -sd' ')" \
		"$(col post.nchan 3 | paste -sd+ | bc)"
	printf '\n'
done
echo "messages in the database at the end: $(sqlite3 "$W/relay.db" 'SELECT count(*) FROM messages');" \
	"relay RSS ${rss} KiB; wrk -t2 -c$conns -d$dur, $rounds rounds; $(nproc) cores shared by wrk and the server"

#!/usr/bin/env bash
# bench/fanout.sh [ROUNDS] [RUNS]: delivery latency from one sender to
# N = 10, 100, 1000 long-polling readers of one room (bench-fanout), on a
# fresh relay (release build); each N is run RUNS times (default 3) of
# ROUNDS messages (default 20) and every run's min/p50/p99/max and the
# client's CPU per reply are printed.
#
# BASE=/path/to/another/relay runs that build too, on its own fresh
# database, alternating run by run with this one, and ends with the
# medians of both and their ratios (this / BASE: below 1 is faster).
# RELAY_ARGS are passed to both (e.g. --threads 1).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${BUILD:-build-bench}
. bench/lib.sh
rounds=${1:-20} runs=${2:-3}
W=$(mktemp -d "${TMPDIR:-/tmp}/e2e-fanout.XXXXXX")
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT

# up NAME RELAY: start RELAY on a fresh database, make the room; sets
# url_NAME, reader_NAME, sender_NAME
up() {
	local name=$1 relay=$2 port
	"$relay" --port 0 --db "$W/$name.db" --quiet $(nolimit_args "$relay") ${RELAY_ARGS:-} \
		>/dev/null 2>"$W/$name.log" &
	pids+=($!)
	port=$(relay_port "$W/$name.log")
	printf -v "url_$name" 'http://127.0.0.1:%s' "$port"
	local url=http://127.0.0.1:$port
	FORGE=$B/tests/forge bench/setup.sh "$url" "$W/files_$name" 2 >/dev/null
	printf -v "reader_$name" '%s' "$(sed -n 1p "$W/files_$name/tokens")"
	printf -v "sender_$name" '%s' "$(sed -n 2p "$W/files_$name/tokens")"
}

# run NAME N: one run, its line printed and kept in $W/NAME.N
run() {
	local url=url_$1 reader=reader_$1 sender=sender_$1 line
	line=$("$B/bench/bench-fanout" fanout "${!url}" bench "${!reader}" "${!sender}" \
		"$W/files_$1/msg.json" "$2" "$rounds")
	echo "${BASE:+$1: }$line"
	echo "$line" >>"$W/$1.$2"
}

# median FILE FIELD: the median of FIELD=value over FILE's lines
median() {
	sed -n "s/.* $2=\([0-9.]*\).*/\1/p" "$1" | sort -n | awk '{v[NR] = $1}
		END {print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

up this "$B/relay/relay"
[ -z "${BASE:-}" ] || up base "$BASE"
for n in 10 100 1000; do
	for ((r = 1; r <= runs; r++)); do
		run this "$n"
		[ -z "${BASE:-}" ] || run base "$n"
	done
done
[ -n "${BASE:-}" ] || exit 0
echo
echo "medians of $runs runs, ms (this / base)"
for n in 10 100 1000; do
	line="N=$n"
	for f in p50 p99 max; do
		t=$(median "$W/this.$n" $f) b=$(median "$W/base.$n" $f)
		line+=$(awk -v f=$f -v t="$t" -v b="$b" \
			'BEGIN {printf "  %s %.2f / %.2f = %.2f", f, t, b, (b > 0 ? t / b : 0)}')
	done
	echo "$line"
done

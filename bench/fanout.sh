#!/usr/bin/env bash
# bench/fanout.sh [ROUNDS] [RUNS]: delivery latency from one sender to
# N = 10, 100, 1,000 and 10,000 (NS="..." for others) long-polling
# readers of one room (bench-fanout), on a fresh relay (release build),
# and the same against nginx + nchan (bench/peers/: readers of a fresh
# channel per run, the same client, the same body), alternating run by
# run; each N is run RUNS times (default 3) of ROUNDS messages (default
# 20) and every run's min/p50/p99/max, the client's CPU per reply and the
# server's are printed with `uptime`, then the medians of the runs and
# the ratios relay / nchan (below 1: the relay is faster).
#
# BASE=/path/to/another/relay runs that build too, on its own fresh
# database, in the same alternation, and adds the ratios this / BASE.
# RELAY_ARGS are passed to both (e.g. --threads 1).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${BUILD:-build-bench}
. bench/lib.sh
rounds=${1:-20} runs=${2:-3} ns=${NS:-10 100 1000 10000}
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

# run NAME N RUN: one run, its line printed and kept in $W/NAME.N
run() {
	local url=url_$1 reader=reader_$1 sender=sender_$1 line
	if [ "$1" = nchan ]; then
		line=$(FANOUT_PIDS="$(nchan_pids | paste -sd' ')" "$B/bench/bench-fanout" nchan \
			"$url_nchan" "f${2}r$3" "$W/files_this/msg.json" "$2" "$rounds")
	else
		line=$("$B/bench/bench-fanout" fanout "${!url}" bench "${!reader}" "${!sender}" \
			"$W/files_$1/msg.json" "$2" "$rounds")
	fi
	printf '%-5s %s  (%s)\n' "$1:" "$line" "$(uptime | sed 's/.*load/load/')"
	echo "$line" >>"$W/$1.$2"
}

# median FILE FIELD: the median of FIELD=value over FILE's lines
median() {
	sed -n "s/.* $2=\([0-9.]*\).*/\1/p" "$1" | sort -n | awk '{v[NR] = $1}
		END {print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

up this "$B/relay/relay"
[ -z "${BASE:-}" ] || up base "$BASE"
. bench/peers/nchan.sh
nchan_start "$W/nchan"
url_nchan=http://127.0.0.1:$nchan_port
others="nchan${BASE:+ base}"
for n in $ns; do
	for ((r = 1; r <= runs; r++)); do
		run this "$n" "$r"
		for o in $others; do
			run "$o" "$n" "$r"
		done
	done
done
echo
for o in $others; do
	echo "medians of $runs runs, ms (relay / $o)"
	for n in $ns; do
		line="N=$n"
		for f in p50 p99 max; do
			t=$(median "$W/this.$n" $f) b=$(median "$W/$o.$n" $f)
			line+=$(awk -v f=$f -v t="$t" -v b="$b" \
				'BEGIN {printf "  %s %.2f / %.2f = %.2f", f, t, b, (b > 0 ? t / b : 0)}')
		done
		echo "$line"
	done
done

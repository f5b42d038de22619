#!/usr/bin/env bash
# bench/pg.sh [DURATION] [CONNECTIONS] [ROUNDS]: the relay's post and
# read rates on SQLite, on one relay on PostgreSQL and on three relays on
# one PostgreSQL database, in one run (wrk, DURATION default 10s,
# CONNECTIONS default 32 in all, spread evenly over the relays), then the
# delivery latency of a post made through relay 3 to N = 1, 100, 1000
# readers long-polling on relay 1 (bench-fanout, ROUNDS messages each,
# default 20), beside the same with the post through relay 1.
#   post    POST a 300-byte-ciphertext message (bench/post.lua), each
#           relay's wrk with its own third of the members
#   read1   GET after= the newest but one of a room of 100,000 messages
#           (bench/read.lua; mostly the reply cache)
#   read1r  the same, after= a random one of the 1,000 newest, limit=1:
#           nearly every request a query
# A private PostgreSQL 15 server (tests/pg/lib.sh: initdb in /tmp, a
# free port), fsync on, default settings. Build first:
#   meson setup build-bench --buildtype=release && ninja -C build-bench bench
set -euo pipefail
cd "$(dirname "$0")/.."
B=${BUILD:-build-bench}
. bench/lib.sh
dur=${1:-10s} conns=${2:-32} rounds=${3:-20}
export E2E_RELAY=$PWD/$B/relay/relay
. tests/lib.sh
. tests/pg/lib.sh
NOLIMIT=($(nolimit_args "$E2E_RELAY"))
export BENCH_THREADS=1

# fill URL_OR_FILE: 100,000 messages into room big, as bench/fill.sh
fill() {
	if [[ $1 == postgresql://* ]]; then
		pg_psql "$1" -c "
		INSERT INTO messages (room_id, v, sender, epoch, counter, nonce, ct, sig, received_at)
		SELECT r.id, 1, r.creator, 1, i, decode(md5(i::text) || '0123456789abcdef', 'hex'),
		       decode(repeat(md5(i::text), 19), 'hex'), decode(repeat(md5(i::text), 4), 'hex'),
		       extract(epoch from now())::bigint
		FROM generate_series(1, 100000) AS i, (SELECT id, creator FROM rooms WHERE name = 'big') AS r;
		UPDATE members SET last_counter = 100000 WHERE name = 'alice'
		 AND room_id = (SELECT id FROM rooms WHERE name = 'big');
		UPDATE rooms SET n_messages = 100000 WHERE name = 'big';" >/dev/null
		pg_psql "$1" -c "SELECT max(seq) FROM messages"
	else
		bench/fill.sh "$1" big 100000 >/dev/null
		sqlite3 "$1" "SELECT max(seq) FROM messages"
	fi
}

# wrk_one URL SCRIPT CONNS -> "rps p99_ms non2xx"
wrk_one() {
	local out
	out=$(wrk -t1 -c"$3" -d"$dur" --latency -s "$2" "$1")
	awk '/Requests\/sec:/ { rps = $2 }
	     /^ *99%/ { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
	                p99 = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : v }
	     /Non-2xx/ { bad = $NF }
	     END { printf "%s %.2f %d\n", rps, p99, bad + 0 }' <<<"$out"
}

# load NAME K SCRIPT: wrk on relays 1..K at once; prints the summed rps,
# the worst p99 and the non-2xx count
load() {
	local name=$1 k=$2 script=$3 i wrks=()
	for ((i = 1; i <= k; i++)); do
		BENCH_DIR=$T/files.$i COUNTER_BASE=$(date +%s%3N) \
			wrk_one "${RELAY_URLS[i]}" "$script" $((conns / k)) >"$T/wrk.$i" &
		wrks+=($!)
	done
	wait "${wrks[@]}" # not the relays
	cat "$T"/wrk.[1-$k] | awk -v n="$name" '{ rps += $1; if ($2 > p) p = $2; bad += $3 }
		END { printf "%-14s %10.0f %12.2f %8d\n", n, rps, p, bad }'
	rm -f "$T"/wrk.*
}

# config NAME K DB: K relays on DB; setup, fill, then the three loads
config() {
	local name=$1 k=$2 db=$3 i last
	for ((i = 1; i <= k; i++)); do
		relay_n_start "$i" "$db" "${NOLIMIT[@]}"
	done
	FORGE=$B/tests/forge bench/setup.sh "${RELAY_URLS[1]}" "$T/files" 255 >/dev/null
	# each relay's wrk posts as its own members (a member's counters must
	# reach the relay in order)
	for ((i = 1; i <= k; i++)); do
		mkdir -p "$T/files.$i"
		cp "$T/files/msg.json" "$T/files/big.alice.token" "$T/files.$i/"
		awk -v k="$k" -v i="$i" 'NR % k == i % k' "$T/files/tokens" >"$T/files.$i/tokens"
	done
	last=$(fill "$db")
	load "$name post" "$k" bench/post.lua
	AFTER=$((last - 1)) load "$name read1" "$k" bench/read.lua
	AFTER=$((last - 1)) LIMIT=1 SPREAD=1000 load "$name read1r" "$k" bench/read.lua
	unset AFTER LIMIT SPREAD
}

printf '%-14s %10s %12s %8s\n' workload rps worst_p99_ms non2xx
config sqlite 1 "$T/relay.db"
relays_stop
pg_start
config "pg 1 relay" 1 "$(pg_createdb one)"
relays_stop
config "pg 3 relays" 3 "$(pg_createdb three)"

echo
echo "delivery to N readers long-polling on relay 1 (ms; $rounds messages each)"
reader=$(sed -n 1p "$T/files/tokens")
sender=$(sed -n 2p "$T/files/tokens")
for n in 1 100 1000; do
	for via in 1 3; do
		line=$("$B/bench/bench-fanout" fanout "${RELAY_URLS[1]}" bench "$reader" "$sender" \
			"$T/files/msg.json" "$n" "$rounds" "${RELAY_URLS[via]}")
		echo "posted through relay $via: $line"
	done
done
relays_stop
echo "wrk -t1 -c$((conns)) in all per workload, $dur; $(nproc) cores shared by wrk," \
	"the relays and PostgreSQL"

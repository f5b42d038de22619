#!/usr/bin/env bash
# tests/pg/crash.sh - durability with three relays on one PostgreSQL
# database (issue 15): a few thousand posts, three members each posting
# through its own relay at once, while relay 2 is killed with kill -9 (and
# started again) and the PostgreSQL server is restarted (an immediate
# stop: a crash, then recovery). Every post that got a 2xx is readable
# afterwards with the seq it was told, none is stored twice, seq numbers
# increase and each sender's counters increase with them. A post answered
# 503 (the server away) or never answered may or may not be stored.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
: "${E2E_FORGE:?set E2E_FORGE to the forge helper}"
N=${CRASH_POSTS:-1000} # per member
BATCH=200
NOLIMIT=(--rate-ip 0 --rate-member 0)

pg_start
db=$(pg_createdb crash)
for i in 1 2 3; do
	relay_n_start "$i" "$db" "${NOLIMIT[@]}"
done

room_of_three crash

# bodies for counters 1..N (the relay checks shape, epoch and counter)
"$E2E_FORGE" msg 1 1 300 >"$T/msg.json"
mkdir "$T/in"
awk -v n="$N" -v dir="$T/in" '{ for (i = 1; i <= n; i++) { s = $0;
	sub(/"counter":1,/, "\"counter\":" i ",", s); print s > (dir "/" i ".json");
	close(dir "/" i ".json") } }' "$T/msg.json"

# poster NAME RELAY TOKEN: batches over one keep-alive connection each;
# a batch starts once the relay answers /healthz with 200 (its database
# reachable), up to 60 s; failed posts are just not acknowledged
poster() {
	local name=$1 port=${RELAY_PORTS[$2]} token=$3 start args i
	mkdir -p "$T/out/$name"
	for ((start = 1; start <= N; start += BATCH)); do
		for ((i = 0; i < 600; i++)); do
			curl -sf -o /dev/null -m 5 "http://127.0.0.1:$port/healthz" && break
			sleep 0.1
		done
		args=()
		for ((i = start; i < start + BATCH && i <= N; i++)); do
			args+=(-s -o "$T/out/$name/$i.json" -w "$name $i %{http_code}\n" -X POST
				-H "Authorization: Bearer $token" --data-binary "@$T/in/$i.json"
				"http://127.0.0.1:$port/v1/rooms/crash/messages" --next)
		done
		curl "${args[@]}" -s -o /dev/null "http://127.0.0.1:$port/healthz" \
			>>"$T/codes.$name" 2>/dev/null || true
	done
}
poster alice 1 "$ALICE" &
p1=$!
poster bob 2 "$BOB" &
p2=$!
poster carol 3 "$CAROL" &
p3=$!

acked_so_far() { cat "$T"/codes.* 2>/dev/null | grep -c ' 2[0-9][0-9]$' || true; }
acked_at_least() { [ "$(acked_so_far)" -ge "$1" ]; }
eventually 300 acked_at_least $((3 * N / 4)) || fail "posting stalled at $(acked_so_far)"
relay_n_kill9 2
relay_n_start 2 "$db" --port "${RELAY_PORTS[2]}" "${NOLIMIT[@]}"
eventually 300 acked_at_least $((3 * N / 2)) || fail "posting stalled at $(acked_so_far)"
pg_restart_server
wait "$p1" "$p2" "$p3"
codes=$(cat "$T"/codes.*)
echo "statuses: $(cut -d' ' -f3 <<<"$codes" | sort | uniq -c | tr -s ' \n' ' ')"

# what was acknowledged: "seq sender counter"
: >"$T/acked"
while read -r name i code; do
	case "$code" in
	2??)
		seq=$(sed -n 's/^{"seq":\([0-9][0-9]*\)}$/\1/p' "$T/out/$name/$i.json")
		[ -n "$seq" ] || fail "$name post $i: 2xx without a seq"
		echo "$seq $name $i" >>"$T/acked"
		;;
	esac
done <<<"$codes"
acked=$(wc -l <"$T/acked")
[ "$acked" -ge "$N" ] || fail "only $acked of $((3 * N)) posts acknowledged"

# read everything back through relay 3, 1000 at a time
on 3
after=0
: >"$T/stored"
while :; do
	curl_json GET "/v1/rooms/crash/messages?after=$after&limit=1000" "" "$CAROL"
	assert_eq 200 "$STATUS" "read after=$after"
	[ "$(json_len messages)" -gt 0 ] || break
	"$E2E_FORGE" get messages <<<"$BODY" |
		grep -o '"counter":[0-9]*\|"seq":[0-9]*\|"sender":"[a-z]*"' | paste -d' ' - - - |
		sed 's/"counter":\([0-9]*\) "seq":\([0-9]*\) "sender":"\([a-z]*\)"/\2 \3 \1/' \
			>>"$T/stored"
	after=$(tail -n1 "$T/stored" | cut -d' ' -f1)
done
[ -s "$T/stored" ] || fail "nothing stored"
grep -qv '^[0-9]* [a-z]* [0-9]*$' "$T/stored" && fail "unreadable: $(grep -v '^[0-9]* [a-z]* [0-9]*$' "$T/stored" | head -n 2)"
sort -n -c "$T/stored" 2>/dev/null || fail "seq numbers not increasing"
[ -z "$(cut -d' ' -f1 "$T/stored" | uniq -d)" ] || fail "a seq stored twice"
for name in alice bob carol; do
	awk -v n="$name" '$2 == n { print $3 }' "$T/stored" >"$T/counters.$name"
	sort -n -c "$T/counters.$name" 2>/dev/null || fail "$name's counters not increasing with seq"
	[ -z "$(uniq -d "$T/counters.$name")" ] || fail "a counter of $name stored twice"
done
lost=$(sort "$T/acked" | comm -23 - <(sort "$T/stored") | head -n 3)
[ -z "$lost" ] || fail "acknowledged posts lost (seq sender counter): $lost"

echo "pg crash: $acked of $((3 * N)) acknowledged through 3 relays, $(wc -l <"$T/stored") stored," \
	"all acknowledged ones present, after a kill -9 of relay 2 and a PostgreSQL restart"
relays_stop

#!/usr/bin/env bash
# Durability under load: thousands of posts while the relay is killed with
# kill -9 and restarted, twice. Every post that got a 2xx is readable
# afterwards with the seq it was given, no counter is stored twice, and
# seq numbers only increase. (A post whose reply was lost may or may not
# be stored; that is allowed: its sender never learnt it was.)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
: "${E2E_FORGE:?set E2E_FORGE to the forge helper}"

N=${CRASH_POSTS:-3000}
BATCH=250
# this is a load test: no rate limits, if the relay has them
NOLIMIT=()
if "$E2E_RELAY" --help 2>/dev/null | grep -q -- --rate-member; then
	NOLIMIT=(--rate-ip 0 --rate-member 0)
fi
relay_start "${NOLIMIT[@]}"
port=$RELAY_PORT
"$E2E_FORGE" create crash alice 'correct horse battery staple' >"$T/create.json"
curl_json_file POST /v1/rooms "$T/create.json"
assert_eq 201 "$STATUS" "create"
TOKEN=$(json_get token)

# Message bodies: the relay checks shape, epoch and counter, not the
# signature (that is the readers' job), so one forged body serves as a
# template for every counter.
"$E2E_FORGE" msg 1 1 300 >"$T/msg.json"
mkdir "$T/in" "$T/out"
awk -v n="$N" -v dir="$T/in" '{ for (i = 1; i <= n; i++) { s = $0;
	sub(/"counter":1,/, "\"counter\":" i ",", s); print s > (dir "/" i ".json");
	close(dir "/" i ".json") } }' "$T/msg.json"

# The poster: batches of posts over one keep-alive connection each (curl
# --next); a failed transfer (relay down) just moves on to the next, and
# each batch starts once the relay answers (up to 60 s), so that a slow
# restart does not use the posts up.
poster() {
	local start args i
	for ((start = 1; start <= N; start += BATCH)); do
		for ((i = 0; i < 600; i++)); do
			curl -s -o /dev/null -m 5 "http://127.0.0.1:$port/healthz" && break
			sleep 0.1
		done
		args=()
		for ((i = start; i < start + BATCH && i <= N; i++)); do
			args+=(-s -o "$T/out/$i.json" -w "$i %{http_code}\n" -X POST
				-H "Authorization: Bearer $TOKEN" --data-binary "@$T/in/$i.json"
				"http://127.0.0.1:$port/v1/rooms/crash/messages" --next)
		done
		curl "${args[@]}" -s -o /dev/null "http://127.0.0.1:$port/healthz" \
			>>"$T/codes" 2>/dev/null || true
	done
}
poster &
poster_pid=$!

# Each kill comes once another sixth of the posts has been acknowledged
# since the last one (however fast the machine posts), mid-batch.
acked_so_far() { cat "$T/codes" 2>/dev/null | grep -c ' 2[0-9][0-9]$' || true; }
acked_at_least() { [ "$(acked_so_far)" -ge "$1" ]; }
for round in 1 2; do
	want=$(($(acked_so_far) + N / 6))
	eventually 300 acked_at_least "$want" ||
		fail "round $round: posting stalled at $(acked_so_far) acknowledged"
	relay_kill9
	sleep 0.2
	relay_start --port "$port" "${NOLIMIT[@]}"
done
wait "$poster_pid"

# Which posts were acknowledged, with which seq: "seq counter" lines
# (a 201 body is exactly {"seq":N}).
: >"$T/acked"
while read -r i code; do
	case "$code" in
	2??)
		seq=$(sed -n 's/^{"seq":\([0-9][0-9]*\)}$/\1/p' "$T/out/$i.json")
		[ -n "$seq" ] || fail "post $i: 2xx without a seq: $(cat "$T/out/$i.json")"
		echo "$seq $i" >>"$T/acked"
		;;
	esac
done <"$T/codes"
acked=$(wc -l <"$T/acked")
[ "$acked" -ge $((N / 3)) ] || fail "only $acked of $N posts acknowledged"

# Read everything back, 1000 at a time: "seq counter" per line.
after=0
: >"$T/stored"
while :; do
	curl_json GET "/v1/rooms/crash/messages?after=$after&limit=1000" "" "$TOKEN"
	assert_eq 200 "$STATUS" "read after=$after"
	n=$(json_len messages)
	[ "$n" -gt 0 ] || break
	"$E2E_FORGE" get messages <<<"$BODY" |
		grep -o '"counter":[0-9]*\|"seq":[0-9]*' | paste -d' ' - - |
		sed 's/"counter":\([0-9]*\) "seq":\([0-9]*\)/\2 \1/' >>"$T/stored"
	after=$(tail -n1 "$T/stored" | cut -d' ' -f1)
done

[ -s "$T/stored" ] || fail "nothing stored"
sort -n -c "$T/stored" 2>/dev/null || fail "seq numbers not in increasing order"
[ -z "$(cut -d' ' -f1 "$T/stored" | uniq -d)" ] || fail "a seq stored twice"
[ -z "$(cut -d' ' -f2 "$T/stored" | sort -n | uniq -d)" ] || fail "a counter stored twice"
# counters must increase with seq too (the relay refuses a lower one)
sort -n -k2,2 -c "$T/stored" 2>/dev/null || fail "counters not increasing with seq"
# every acknowledged post is there, with the seq it was told
lost=$(sort "$T/acked" | comm -23 - <(sort "$T/stored") | head -n3)
[ -z "$lost" ] || fail "acknowledged posts lost (seq counter): $lost"

echo "crash_posts: $acked of $N acknowledged, $(wc -l <"$T/stored") stored," \
	"all acknowledged ones present, after 2 kill -9 and restarts"
relay_stop

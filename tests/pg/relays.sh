#!/usr/bin/env bash
# tests/pg/relays.sh - three relays on one PostgreSQL database serve the
# same room (issue 15): members spread over the relays chat; a long-poll
# parked on relay 1 is answered by a post made through relay 3 within the
# long-poll's latency (a notification, not the periodic re-check); a
# removal made through relay 2 is refused on relay 1's very next request
# (relay 1 had the member's token cached).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
: "${E2E_FORGE:?set E2E_FORGE to the forge helper}"

pg_start
db=$(pg_createdb relays)
for i in 1 2 3; do
	relay_n_start "$i" "$db"
done

# alice creates the room through relay 1; bob joins through relay 2 and
# carol through relay 3; alice admits both through relay 1
room_of_three lobby

# chat: each member posts through its own relay, everyone reads everything
# through every relay
post() { # RELAY TOKEN COUNTER: the seq
	on "$1"
	"$E2E_FORGE" msg 1 "$3" >"$T/msg.json"
	curl_json_file POST /v1/rooms/lobby/messages "$T/msg.json" "$2"
	assert_eq 201 "$STATUS" "post through relay $1"
	json_get seq
}
for c in 1 2 3; do
	post 1 "$ALICE" "$c" >/dev/null
	post 2 "$BOB" "$c" >/dev/null
	post 3 "$CAROL" "$c" >/dev/null
done
for i in 1 2 3; do
	for who in "$ALICE" "$BOB" "$CAROL"; do
		on "$i"
		curl_json GET "/v1/rooms/lobby/messages?after=0" "" "$who"
		check_eq 200 "$STATUS" "read through relay $i"
		check_eq 9 "$(json_len messages)" "messages read through relay $i"
	done
done
newest=$(json_get messages.8.seq)

# the long-poll: alice waits on relay 1 (until it is parked there), carol
# posts through relay 3
waiting() { # RELAY N: relay's parked readers are N
	local m
	m=$(curl -s "${RELAY_URLS[$1]}/metrics") || return 1
	grep -q "^e2e_waiting_clients $2\$" <<<"$m"
}
curl -s -o "$T/poll.json" -w '%{http_code} %{time_total}\n' \
	-H "Authorization: Bearer $ALICE" \
	"${RELAY_URLS[1]}/v1/rooms/lobby/messages?after=$newest&wait=30" >"$T/poll.status" &
poll_pid=$!
eventually 20 waiting 1 1 || fail "the long-poll never parked on relay 1"
start=$(date +%s%N)
seq=$(post 3 "$CAROL" 4)
wait "$poll_pid"
ms=$((($(date +%s%N) - start) / 1000000))
check_eq 200 "$(cut -d' ' -f1 "$T/poll.status")" "long-poll status"
check_contains "$(cat "$T/poll.json")" "\"seq\":$seq" "the long-poll on relay 1 got relay 3's post"
# the periodic re-check comes every 2 s: an answer well within it was the
# notification (a post through the same relay takes milliseconds)
[ "$ms" -lt 1500 ] && pass || miss "relay 3's post reached relay 1's long-poll after $ms ms"
echo "cross-relay long-poll: answered $ms ms after the post"

# the kick: relay 1 has bob's token cached (a read), alice removes bob
# through relay 2, and bob's very next request on relay 1 is refused
on 1
curl_json GET "/v1/rooms/lobby/messages?after=$seq" "" "$BOB"
assert_eq 200 "$STATUS" "bob reads through relay 1 before the kick"
on 2
curl_json DELETE /v1/rooms/lobby/members/bob "" "$ALICE"
assert_eq 200 "$STATUS" "alice removes bob through relay 2"
on 1
curl_json GET "/v1/rooms/lobby/messages?after=$seq" "" "$BOB"
check_eq 403 "$STATUS" "bob's next read through relay 1 after the kick"
check_eq removed "$(json_get error.code)" "its error code"
"$E2E_FORGE" msg 1 9 >"$T/msg.json"
curl_json_file POST /v1/rooms/lobby/messages "$T/msg.json" "$BOB"
check_eq 403 "$STATUS" "bob's post through relay 1 after the kick"
on 3
curl_json GET "/v1/rooms/lobby/messages?after=0" "" "$CAROL"
check_eq 200 "$STATUS" "carol still reads through relay 3"

relays_stop
checks_done pg_relays

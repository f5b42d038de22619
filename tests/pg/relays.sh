#!/usr/bin/env bash
# tests/pg/relays.sh - three relays on one PostgreSQL database serve the
# same room (issue 15): members spread over the relays chat; a long-poll
# parked on relay 1 is answered by a post made through relay 3 within the
# long-poll's latency (the relays re-check only hourly here, so only the
# notification can do it); a notification lost (relay 1's listening
# connection cut while new connections are refused, the post made
# meanwhile) still reaches the reader once relay 1 reconnects; a removal
# made through relay 2 (a signed state that drops the member) is refused
# on relay 1's very next request (relay 1 had the member's token cached).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
: "${E2E_FORGE:?set E2E_FORGE to the forge helper}"

pg_start
db=$(pg_createdb relays)
for i in 1 2 3; do
	relay_n_start "$i" "$db" --recheck-seconds 3600
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
# long_poll AFTER COUNTER WHAT [BEFORE AFTER]: alice waits on relay 1
# after AFTER (until relay 1 has her parked), BEFORE runs, carol posts
# COUNTER through relay 3, AFTER runs; the wait must end with that post,
# well before its 30 s
long_poll() {
	local after=$1 counter=$2 what=$3 setup=${4:-true} teardown=${5:-true} start ms
	curl -s -o "$T/poll.json" -w '%{http_code}\n' -H "Authorization: Bearer $ALICE" \
		"${RELAY_URLS[1]}/v1/rooms/lobby/messages?after=$after&wait=30" >"$T/poll.status" &
	poll_pid=$!
	eventually 20 waiting 1 1 || fail "$what: the long-poll never parked on relay 1"
	"$setup"
	"$E2E_FORGE" msg 1 "$counter" >"$T/msg.json"
	start=$(date +%s%N)
	on 3
	curl_json_file POST /v1/rooms/lobby/messages "$T/msg.json" "$CAROL"
	assert_eq 201 "$STATUS" "$what: carol's post through relay 3"
	seq=$(json_get seq)
	"$teardown"
	wait "$poll_pid"
	ms=$((($(date +%s%N) - start) / 1000000))
	check_eq 200 "$(cat "$T/poll.status")" "$what: long-poll status"
	check_contains "$(cat "$T/poll.json")" "\"seq\":$seq" "$what: relay 1's long-poll got the post"
	# the wait is 30 s and the periodic re-check hourly: 10 s is generous
	[ "$ms" -lt 10000 ] && pass || miss "$what: relay 1's long-poll answered after $ms ms"
	echo "$what: relay 1's long-poll answered $ms ms after the post through relay 3"
}
long_poll "$newest" 4 "notified"

# a notification lost: the server refuses new connections to the
# database and cuts the relays' listening connections; the post is
# committed while they cannot listen, then connections are allowed again
# (relay 1 reconnects, re-checks the room its reader waits on)
cut_listeners() {
	pg_psql "$PG_URL/postgres" -c "ALTER DATABASE relays WITH ALLOW_CONNECTIONS false" \
		-c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		    WHERE datname = 'relays' AND query = 'LISTEN e2e_rooms'" >"$T/cut"
	assert_eq 3 "$(cat "$T/cut")" "listening connections cut"
}
allow_connections() {
	pg_psql "$PG_URL/postgres" -c "ALTER DATABASE relays WITH ALLOW_CONNECTIONS true"
}
long_poll "$seq" 5 "lost notification" cut_listeners allow_connections

# the kick: relay 1 has bob's token cached (a read), alice posts a state
# without bob (a new epoch) through relay 2, and bob's very next request
# on relay 1 is refused
on 1
curl_json GET "/v1/rooms/lobby/messages?after=$seq" "" "$BOB"
assert_eq 200 "$STATUS" "bob reads through relay 1 before the kick"
on 2
"$E2E_FORGE" state lobby alice 3 2 carol --password "$PG_PW" >"$T/kick.json"
curl_json_file POST /v1/rooms/lobby/state "$T/kick.json" "$ALICE"
assert_eq 200 "$STATUS" "alice drops bob with a state through relay 2"
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

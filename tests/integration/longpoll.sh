#!/usr/bin/env bash
# Long-polling (GET …/messages?after=&wait=): a waiting read answers as
# soon as a message is committed, answers {"messages":[]} at its deadline,
# and refuses a wait outside 0..60; /healthz and /metrics answer, and the
# metrics count the waiting reader while it waits.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
: "${E2E_FORGE:?set E2E_FORGE to the forge helper}"

relay_start
"$E2E_FORGE" create poll alice 'correct horse battery staple' >"$T/create.json"
curl_json_file POST /v1/rooms "$T/create.json"
assert_eq 201 "$STATUS" "create"
TOKEN=$(json_get token)
MSGS="$RELAY_URL/v1/rooms/poll/messages"

# milliseconds since the epoch
now_ms() { date +%s%3N; }
# waiting N: within 10 s, /metrics shows N parked readers
waiting() {
	local deadline=$((SECONDS + 30))
	while [ "$SECONDS" -lt "$deadline" ]; do
		curl_json GET /metrics
		case "$BODY" in *"e2e_waiting_clients $1"*) return 0 ;; esac
		sleep 0.1
	done
	return 1
}

# healthz and metrics
curl_json GET /healthz
assert_eq 200 "$STATUS" "healthz status"
assert_eq ok "$(json_get status)" "healthz body"
curl_json GET /metrics
assert_eq 200 "$STATUS" "metrics status"
assert_contains "$HEADERS" "Content-Type: text/plain" "metrics content type"
assert_contains "$BODY" 'e2e_http_requests_total{method="GET",route="/healthz",status="200"} 1'
assert_contains "$BODY" 'e2e_http_request_duration_seconds_bucket{le="+Inf"}'
assert_contains "$BODY" "e2e_waiting_clients 0"
# the relay's own CPU time: a number, and above zero once it has worked
cpu=$(sed -n 's/^process_cpu_seconds_total \([0-9]*\.[0-9]*\)$/\1/p' <<<"$BODY")
assert_eq 1 "$(awk -v c="${cpu:-0}" 'BEGIN { print (c > 0) ? 1 : 0 }')" "process CPU time ($cpu)"
curl_json POST /healthz
assert_eq 405 "$STATUS" "POST /healthz"

# wait out of range, or not a number: 400 bad_field
for w in 61 -1 1.5 x 99999999999999999999; do
	curl_json GET "/v1/rooms/poll/messages?after=0&wait=$w" "" "$TOKEN"
	assert_eq 400 "$STATUS" "wait=$w"
	assert_eq bad_field "$(json_get error.code)" "wait=$w code"
done
# an unauthenticated long-poll is refused at once, not parked (the bounds
# on time here and below sit far from the wait, for a busy machine)
t0=$(now_ms)
curl_json GET "/v1/rooms/poll/messages?after=0&wait=30"
assert_eq 401 "$STATUS" "no token"
[ $(($(now_ms) - t0)) -lt 10000 ] || fail "an unauthorized wait was parked"

# Empty at the deadline: wait=1 answers [] after about a second.
t0=$(now_ms)
curl_json GET "/v1/rooms/poll/messages?after=0&wait=1" "" "$TOKEN"
dt=$(($(now_ms) - t0))
assert_eq 200 "$STATUS" "empty wait"
assert_eq 0 "$(json_len messages)" "empty wait: no messages"
[ "$dt" -ge 950 ] && [ "$dt" -lt 10000 ] || fail "wait=1 answered after ${dt} ms"

# Something already there: no wait at all.
"$E2E_FORGE" msg 1 1 >"$T/m1.json"
curl_json_file POST /v1/rooms/poll/messages "$T/m1.json" "$TOKEN"
assert_eq 201 "$STATUS" "post 1"
t0=$(now_ms)
curl_json GET "/v1/rooms/poll/messages?after=0&wait=30" "" "$TOKEN"
assert_eq 1 "$(json_len messages)" "immediate read"
[ $(($(now_ms) - t0)) -lt 10000 ] || fail "a read with news waited"

# Prompt on a post: three readers wait (wait=60); a post wakes all of
# them well before their deadline (timed from the post: parking may take
# a while on a busy machine).
for r in 1 2 3; do
	{
		curl -s -o "$T/reader$r.json" -H "Authorization: Bearer $TOKEN" \
			"$MSGS?after=1&wait=60"
		now_ms >"$T/reader$r.end"
	} &
	eval "reader$r=$!"
done
waiting 3 || fail "waiting gauge never showed the 3 parked readers: $BODY"
sleep 0.3
"$E2E_FORGE" msg 1 2 >"$T/m2.json"
posted=$(now_ms)
curl_json_file POST /v1/rooms/poll/messages "$T/m2.json" "$TOKEN"
assert_eq 201 "$STATUS" "post 2"
for r in 1 2 3; do
	pid_var="reader$r"
	wait "${!pid_var}" || fail "reader $r failed"
	BODY=$(cat "$T/reader$r.json")
	assert_eq 1 "$(json_len messages)" "reader $r got the message"
	assert_eq 2 "$(json_get messages.0.counter)" "reader $r got counter 2"
	dt=$(($(cat "$T/reader$r.end") - posted))
	# at once is milliseconds; the deadline is 30 s or more after the post
	[ "$dt" -lt 20000 ] || fail "reader $r answered ${dt} ms after the post"
done

# A post to another room does not wake this room's readers.
"$E2E_FORGE" create other bob 'correct horse battery staple' >"$T/create2.json"
curl_json_file POST /v1/rooms "$T/create2.json"
BOB=$(json_get token)
curl -s -o "$T/quiet.json" -w '%{time_total}' -H "Authorization: Bearer $TOKEN" \
	"$MSGS?after=2&wait=6" >"$T/quiet.time" &
quiet=$!
waiting 1 || fail "the quiet reader never parked"
curl_json_file POST /v1/rooms/other/messages "$T/m1.json" "$BOB"
assert_eq 201 "$STATUS" "post in the other room"
wait "$quiet"
BODY=$(cat "$T/quiet.json")
assert_eq 0 "$(json_len messages)" "no message from the other room"
awk -v t="$(cat "$T/quiet.time")" 'BEGIN { exit !(t >= 5.9) }' ||
	fail "woken by another room's post"

# A reader parked at shutdown is answered (empty), and the relay exits 0.
curl -s -o "$T/late.json" -H "Authorization: Bearer $TOKEN" "$MSGS?after=2&wait=30" &
late=$!
waiting 1 || fail "the late reader never parked"
relay_stop
wait "$late" || true
BODY=$(cat "$T/late.json" 2>/dev/null || true)
assert_eq 0 "$(json_len messages)" "parked reader answered at shutdown"
echo "longpoll: ok"

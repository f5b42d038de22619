#!/usr/bin/env bash
# tests/api/messages.sh - the API catalogue: posting and reading messages.
# (tests/api/lib.sh says how a case reads).
. "$(dirname "$0")/lib.sh"

relay_start
create_room TA r1 alice $PW
create_room TD r2 dave pw-two
join_room TB r1 bob $PW
join_room TC r1 carol $PW
admit r1 "$TA" alice 2 1 bob

# ---- messages ----

run_table <<'EOF'
msg: post by pending        | 403 | not_admitted   | POST | /v1/rooms/r1/messages | $(forge msg 1 1) | $TC
msg: read by pending        | 403 | not_admitted   | GET  | /v1/rooms/r1/messages | | $TC
msg: post without token     | 401 | unauthorized   | POST | /v1/rooms/r1/messages | $(forge msg 1 1)
msg: read without token     | 401 | unauthorized   | GET  | /v1/rooms/r1/messages
msg: other room's token     | 401 | unauthorized   | POST | /v1/rooms/r1/messages | $(forge msg 1 1) | $TD
msg: bob counter 1          | 201 | -              | POST | /v1/rooms/r1/messages | $(forge msg 1 1) | $TB
msg: bob counter 1 again    | 409 | counter_reused | POST | /v1/rooms/r1/messages | $(forge msg 1 1) | $TB
msg: counter 0              | 400 | bad_field      | POST | /v1/rooms/r1/messages | $(forge msg 1 0) | $TB
msg: epoch above current    | 400 | bad_field      | POST | /v1/rooms/r1/messages | $(forge msg 2 2) | $TB
msg: sender set by client   | 400 | bad_field      | POST | /v1/rooms/r1/messages | $(forge msg 1 2 --set 'sender="alice"') | $TB
msg: unknown field          | 400 | bad_field      | POST | /v1/rooms/r1/messages | $(forge msg 1 2 --set x=1) | $TB
msg: missing sig            | 400 | bad_field      | POST | /v1/rooms/r1/messages | $(forge msg 1 2 --del sig) | $TB
msg: nonce 32 bytes         | 400 | bad_field      | POST | /v1/rooms/r1/messages | $(forge msg 1 2 --set "nonce=\"$B32\"") | $TB
msg: ct bad base64          | 400 | bad_field      | POST | /v1/rooms/r1/messages | $(forge msg 1 2 --set 'ct="not base64"') | $TB
msg: ct under a tag         | 400 | bad_field      | POST | /v1/rooms/r1/messages | $(forge msg 1 2 15) | $TB
msg: ct of 24705 bytes      | 400 | bad_field      | POST | /v1/rooms/r1/messages | $(forge msg 1 2 24705) | $TB
msg: counter a string       | 400 | bad_field      | POST | /v1/rooms/r1/messages | $(forge msg 1 2 --set 'counter="2"') | $TB
msg: v 1                    | 400 | bad_version    | POST | /v1/rooms/r1/messages | $(forge msg 1 2 --set v=1) | $TB
msg: malformed              | 400 | bad_json       | POST | /v1/rooms/r1/messages | '{"v":2' | $TB
msg: duplicate keys         | 400 | bad_json       | POST | /v1/rooms/r1/messages | '{"v":2,"v":2}' | $TB
msg: ct of 24704 bytes      | 201 | -              | POST | /v1/rooms/r1/messages | $(forge msg 1 2 24704) | $TB
msg: alice counter 1        | 201 | -              | POST | /v1/rooms/r1/messages | $(forge msg 1 1) | $TA
msg: bob counter 7 (a gap)  | 201 | -              | POST | /v1/rooms/r1/messages | $(forge msg 1 7) | $TB
msg: bob counter 6          | 409 | counter_reused | POST | /v1/rooms/r1/messages | $(forge msg 1 6) | $TB
EOF

expect "msg: read all" 200 - GET /v1/rooms/r1/messages "" "$TA"
check_eq 4 "$(json_len messages)" "msg: four messages"
check_eq "bob 1 alice" \
	"$(json_get messages.0.sender) $(json_get messages.0.counter) $(json_get messages.2.sender)" "msg: oldest first"
check_eq 1 \
	"$([ "$(json_get messages.0.seq)" -lt "$(json_get messages.3.seq)" ] && echo 1)" "msg: seq increases"
check_eq "bob 7" "$(json_get messages.3.sender) $(json_get messages.3.counter)" "msg: newest last"
check_eq 1 "$([ "$(json_get messages.0.received_at)" -gt 0 ] && echo 1)" "msg: received_at set"
check_eq 24704 "$(json_get messages.1.ct | base64 -d | wc -c)" "msg: ct kept whole"
SEQ1=$(json_get messages.0.seq)
SEQ_LAST=$(json_get messages.3.seq)
expect "msg: after the first" 200 - GET "/v1/rooms/r1/messages?after=$SEQ1" "" "$TB"
check_eq 3 "$(json_len messages)" "msg: three after the first"
expect "msg: limit 1" 200 - GET "/v1/rooms/r1/messages?limit=1" "" "$TB"
check_eq "1 $SEQ1" "$(json_len messages) $(json_get messages.0.seq)" "msg: one with limit 1"
expect "msg: after the last" 200 - GET "/v1/rooms/r1/messages?after=$SEQ_LAST&limit=1000" "" "$TB"
check_eq 0 "$(json_len messages)" "msg: none after the last"

run_table <<'EOF'
msg: after -1               | 400 | bad_field | GET | /v1/rooms/r1/messages?after=-1 | | $TB
msg: after abc              | 400 | bad_field | GET | /v1/rooms/r1/messages?after=abc | | $TB
msg: after empty            | 400 | bad_field | GET | /v1/rooms/r1/messages?after= | | $TB
msg: after 1.5              | 400 | bad_field | GET | /v1/rooms/r1/messages?after=1.5 | | $TB
msg: after +1               | 400 | bad_field | GET | /v1/rooms/r1/messages?after=%2B1 | | $TB
msg: after overflows        | 400 | bad_field | GET | /v1/rooms/r1/messages?after=99999999999999999999 | | $TB
msg: limit 0                | 400 | bad_field | GET | /v1/rooms/r1/messages?limit=0 | | $TB
msg: limit 1001             | 400 | bad_field | GET | /v1/rooms/r1/messages?limit=1001 | | $TB
msg: limit abc              | 400 | bad_field | GET | /v1/rooms/r1/messages?limit=abc | | $TB
msg: limit 1000             | 200 | -         | GET | /v1/rooms/r1/messages?limit=1000 | | $TB
msg: unknown query ignored  | 200 | -         | GET | /v1/rooms/r1/messages?x=1 | | $TB
EOF


checks_done api-messages

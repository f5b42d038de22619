#!/usr/bin/env bash
# tests/api/states.sh - the API catalogue: signed room states and key wraps.
# (tests/api/lib.sh says how a case reads).
. "$(dirname "$0")/lib.sh"

relay_start
create_room TA r1 alice $PW
join_room TB r1 bob $PW
join_room TC r1 carol $PW

# ---- state ----

expect "state: get as pending member" 200 - GET /v1/rooms/r1/state "" "$TC"
check_eq 1 "$(json_get payload:revision)" "state: revision 1"
check_eq alice "$(json_get payload:members.0.name)" "state: lists the creator"

run_table <<'EOF'
state: get without token    | 401 | unauthorized   | GET  | /v1/rooms/r1/state
state: post without token   | 401 | unauthorized   | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob)
state: post by non-creator  | 403 | not_creator    | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob) | $TB
state: revision 3           | 409 | stale_revision | POST | /v1/rooms/r1/state | $(forge state r1 alice 3 1 bob) | $TA
state: revision 1 again     | 409 | stale_revision | POST | /v1/rooms/r1/state | $(forge state r1 alice 1 1 bob) | $TA
state: signed by bob        | 400 | bad_signature  | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --signer bob) | $TA
state: unregistered member  | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob zed) | $TA
state: member's keys differ | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --pset "members.1.box_pk=\"$B32\"") | $TA
state: member listed twice  | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob bob --wraps alice,bob) | $TA
state: creator not listed   | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --pdel members.0 --wraps bob) | $TA
state: other creator        | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --pset 'creator="bob"') | $TA
state: other room           | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --pset 'room="r2"') | $TA
state: epoch 0              | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 0 bob --wrap-epoch 1) | $TA
state: wrap for unlisted    | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --wraps alice,bob,carol) | $TA
state: wrap other epoch     | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --wrap-epoch 2) | $TA
state: unknown field        | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --set x=1) | $TA
state: missing wraps        | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --del wraps) | $TA
state: payload bad base64   | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --set 'state.payload="%%%%"') | $TA
state: malformed            | 400 | bad_json       | POST | /v1/rooms/r1/state | '{"state":' | $TA
state: unknown room         | 404 | no_room        | POST | /v1/rooms/nosuch/state | $(forge state nosuch alice 2 1 bob) | $TA
state: admit bob            | 200 | -              | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob) | $TA
EOF
check_eq 2 "$(json_get revision)" "state: reply revision"
expect "state: same revision again" 409 stale_revision POST /v1/rooms/r1/state \
	"$(forge state r1 alice 2 1 bob)" "$TA"
expect "state: get newest" 200 - GET /v1/rooms/r1/state "" "$TB"
check_eq 2 "$(json_get payload:revision)" "state: newest revision"
check_eq 2 "$(json_len payload:members)" "state: newest lists two"
curl_json GET /v1/rooms/r1/members "" "$TA"
check_eq admitted "$(json_get members.1.status)" "state: bob admitted"
check_eq pending "$(json_get members.2.status)" "state: carol still pending"

# ---- wraps ----

expect "wraps: bob's" 200 - GET /v1/rooms/r1/wraps "" "$TB"
check_eq 1 "$(json_len wraps)" "wraps: bob has one"
check_eq bob "$(json_get wraps.0.member)" "wraps: for bob"
check_eq 1 "$(json_get wraps.0.epoch)" "wraps: epoch 1"
check_eq 48 "$(json_get wraps.0.box | base64 -d | wc -c)" "wraps: box 48 bytes"
expect "wraps: alice's" 200 - GET /v1/rooms/r1/wraps "" "$TA"
check_eq "1 alice" "$(json_len wraps) $(json_get wraps.0.member)" "wraps: alice has one, for her"
expect "wraps: pending carol's" 200 - GET /v1/rooms/r1/wraps "" "$TC"
check_eq 0 "$(json_len wraps)" "wraps: carol has none"
run_table <<'EOF'
wraps: no token             | 401 | unauthorized       | GET  | /v1/rooms/r1/wraps
wraps: POST                 | 405 | method_not_allowed | POST | /v1/rooms/r1/wraps | '{}' | $TA
EOF


checks_done api-states

#!/usr/bin/env bash
# tests/api/states.sh - the API catalogue: signed room states and key wraps.
# (tests/api/lib.sh says how a case reads).
. "$(dirname "$0")/lib.sh"

relay_start
create_room TA r1 alice $PW
join_room TB r1 bob $PW
join_room TC r1 carol $PW
join_room TD r1 dave $PW

# ---- state ----

expect "state: get as pending member" 200 - GET /v1/rooms/r1/state "" "$TC"
check_eq 1 "$(json_get payload:revision)" "state: revision 1"
check_eq alice "$(json_get payload:members.0.name)" "state: lists the creator"
check_eq "alice true" "$(json_get payload:by) $(json_get payload:members.0.admin)" "state: by the creator, an admin"
check_eq 32 "$(json_get mac | base64 -d | wc -c)" "state: served with its mac"

run_table <<'EOF'
state: get without token    | 401 | unauthorized   | GET  | /v1/rooms/r1/state
state: post without token   | 401 | unauthorized   | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob)
state: post by a pending one| 403 | not_admin      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob) | $TB
state: revision 3           | 409 | stale_revision | POST | /v1/rooms/r1/state | $(forge state r1 alice 3 1 bob) | $TA
state: revision 1 again     | 409 | stale_revision | POST | /v1/rooms/r1/state | $(forge state r1 alice 1 1 bob) | $TA
state: signed by bob        | 400 | bad_signature  | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --signer bob) | $TA
state: by bob, no admin yet | 403 | not_admin      | POST | /v1/rooms/r1/state | $(forge state r1 bob 2 1 alice --admins alice,bob) | $TA
state: unregistered member  | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob zed) | $TA
state: member's keys differ | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --pset "members.1.box_pk=\"$B32\"") | $TA
state: member listed twice  | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob bob --wraps alice,bob) | $TA
state: by not listed        | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --pdel members.0 --wraps bob) | $TA
state: by not an admin      | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --admins bob) | $TA
state: other room           | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --pset 'room="r2"') | $TA
state: other room id        | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --id "$(b64zeros 16)") | $TA
state: v 1                  | 400 | bad_version    | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --pset v=1) | $TA
state: a creator field (v1) | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --pset 'creator="alice"') | $TA
state: epoch 0              | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 0 bob --wrap-epoch 1) | $TA
state: since after epoch    | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --pset members.1.since=2) | $TA
state: without mac          | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --del state.mac) | $TA
state: wrap for unlisted    | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --wraps alice,bob,carol) | $TA
state: wrap other epoch     | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --wrap-epoch 2) | $TA
state: wraps by another     | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --wrap-by bob) | $TA
state: one wrap by another  | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 2 1 bob --set 'wraps.1.by="bob"') | $TA
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
check_eq "bob alice" "$(json_get wraps.0.member) $(json_get wraps.0.by)" "wraps: for bob, by alice"
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

# ---- admins ----
# Any admin of the current state may post the next one; the state's `by`
# must be an admin of the current one, and its keys there check it.

run_table <<'EOF'
admins: bob, not admin yet  | 403 | not_admin      | POST | /v1/rooms/r1/state | $(forge state r1 bob 3 1 alice --admins alice,bob) | $TB
admins: bob made admin      | 200 | -              | POST | /v1/rooms/r1/state | $(forge state r1 alice 3 1 bob --admins alice,bob) | $TA
admins: bob admits carol    | 200 | -              | POST | /v1/rooms/r1/state | $(forge state r1 bob 4 1 alice carol --admins alice,bob) | $TB
admins: carol, no admin     | 403 | not_admin      | POST | /v1/rooms/r1/state | $(forge state r1 alice 5 1 bob carol --admins alice,bob) | $TC
admins: by carol, via alice | 403 | not_admin      | POST | /v1/rooms/r1/state | $(forge state r1 carol 5 1 alice bob --admins alice,bob,carol) | $TA
admins: by bob, bob's keys? | 400 | bad_signature  | POST | /v1/rooms/r1/state | $(forge state r1 bob 5 1 alice carol --admins alice,bob --signer alice) | $TA
admins: by bob, via alice   | 200 | -              | POST | /v1/rooms/r1/state | $(forge state r1 bob 5 1 alice carol --admins alice,bob) | $TA
EOF
expect "admins: the newest" 200 - GET /v1/rooms/r1/state "" "$TC"
check_eq "5 bob 3" \
	"$(json_get payload:revision) $(json_get payload:by) $(json_len payload:members)" "admins: revision 5 by bob lists three"
expect "admins: carol's wraps" 200 - GET /v1/rooms/r1/wraps "" "$TC"
check_eq "1 bob" "$(json_len wraps) $(json_get wraps.0.by)" "admins: carol's wrap by bob"

# ---- a member dropped by a state ----
# No DELETE first: the state that drops a member removes it, in the same
# transaction; its token stops at once.

run_table <<'EOF'
drop: carol reads           | 200 | -              | GET  | /v1/rooms/r1/messages | | $TC
drop: no wrap for carol     | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 6 2 bob carol --admins alice,bob --wraps alice,bob) | $TA
drop: carol dropped, epoch 2| 200 | -              | POST | /v1/rooms/r1/state | $(forge state r1 alice 6 2 bob --admins alice,bob) | $TA
drop: carol's read after    | 403 | removed        | GET  | /v1/rooms/r1/messages | | $TC
drop: carol's post after    | 403 | removed        | POST | /v1/rooms/r1/messages | $(forge msg 2 1) | $TC
drop: carol's state after   | 403 | removed        | GET  | /v1/rooms/r1/state | | $TC
drop: epoch back to 1       | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 7 1 bob --admins alice,bob) | $TA
drop: carol listed again    | 400 | bad_field      | POST | /v1/rooms/r1/state | $(forge state r1 alice 7 2 bob carol --admins alice,bob) | $TA
drop: bob drops alice       | 200 | -              | POST | /v1/rooms/r1/state | $(forge state r1 bob 7 2 --admins bob) | $TB
drop: alice's state after   | 403 | removed        | POST | /v1/rooms/r1/state | $(forge state r1 alice 8 2 bob --admins alice,bob) | $TA
EOF
curl_json GET /v1/rooms/r1/members "" "$TB"
check_eq "removed removed admitted pending" \
	"$(json_get members.0.status) $(json_get members.2.status) $(json_get members.1.status) $(json_get members.3.status)" \
	"drop: alice and carol removed, bob admitted, dave pending"

# ---- a new password (the state's access) ----
# The room's salt, limits and access key follow the newest state: a join
# proof made with the old password fails at once.

curl_json GET /v1/rooms/r1
OLD_SALT=$(json_get salt)
run_table <<'EOF'
access: new password        | 200 | -              | POST | /v1/rooms/r1/state | $(forge state r1 bob 8 2 --admins bob --password pw-new) | $TB
access: join, old password  | 403 | bad_proof      | POST | /v1/rooms/r1/members | $(forge join r1 erin $PW "$(nonce r1)")
access: join, new password  | 201 | -              | POST | /v1/rooms/r1/members | $(forge join r1 erin pw-new "$(nonce r1)")
EOF
curl_json GET /v1/rooms/r1/members "" "$TB"
check_eq "dave removed" "$(json_get members.3.name) $(json_get members.3.status)" \
	"access: dave, pending with the old password, declined by the change"
curl_json GET /v1/rooms/r1
check_eq 1 "$([ -n "$OLD_SALT" ] && [ "$(json_get salt)" != "$OLD_SALT" ] && echo 1)" "access: the room's salt is the new one"
run_table <<'EOF'
access: unchanged, no swap  | 200 | -              | POST | /v1/rooms/r1/state | $(forge state r1 bob 9 2 --admins bob --password pw-new) | $TB
access: join, still new pw  | 201 | -              | POST | /v1/rooms/r1/members | $(forge join r1 fay pw-new "$(nonce r1)")
access: limits too          | 200 | -              | POST | /v1/rooms/r1/state | $(forge state r1 bob 10 2 --admins bob --password pw-new --pset access.opslimit=3) | $TB
EOF
curl_json GET /v1/rooms/r1
check_eq 3 "$(json_get opslimit)" "access: the room's opslimit is the new one"

# ---- a dropped member registered again ----

join_room TC2 r1 carol pw-new
run_table <<'EOF'
again: carol admitted again | 200 | -              | POST | /v1/rooms/r1/state | $(forge state r1 bob 11 2 carol --admins bob --password pw-new) | $TB
again: carol reads          | 200 | -              | GET  | /v1/rooms/r1/messages | | $TC2
again: her old token        | 401 | unauthorized   | GET  | /v1/rooms/r1/messages | | $TC
EOF

# ---- the history a member walks: GET .../states?after=N ----

expect "history: all of it" 200 - GET "/v1/rooms/r1/states?after=0" "" "$TB"
check_eq 11 "$(json_len states)" "history: revisions 1 to 11"
revision_at() { json_get "states.$1.payload" | base64 -d | sed 's/.*"revision":\([0-9]*\).*/\1/'; }
check_eq "1 11" "$(revision_at 0) $(revision_at 10)" "history: oldest first"
check_eq 32 "$(json_get states.7.mac | base64 -d | wc -c)" "history: each with its mac"
expect "history: after 9" 200 - GET "/v1/rooms/r1/states?after=9" "" "$TB"
check_eq "2 10" "$(json_len states) $(revision_at 0)" "history: after 9"
expect "history: after the newest" 200 - GET "/v1/rooms/r1/states?after=11" "" "$TB"
check_eq 0 "$(json_len states)" "history: nothing after the newest"
run_table <<'EOF'
history: without token      | 401 | unauthorized   | GET  | /v1/rooms/r1/states?after=0
history: after=-1           | 400 | bad_field      | GET  | /v1/rooms/r1/states?after=-1 | | $TB
history: after=x            | 400 | bad_field      | GET  | /v1/rooms/r1/states?after=x | | $TB
EOF

checks_done api-states

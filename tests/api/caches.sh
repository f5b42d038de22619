#!/usr/bin/env bash
# tests/api/caches.sh - the API catalogue: the relay's token cache and reply cache.
# (tests/api/lib.sh says how a case reads).
. "$(dirname "$0")/lib.sh"

relay_start
create_room TA r1 alice $PW

# ---- the token cache (relay/authcache.h) ----
# Posts and reads remember who a token is and the room's epoch; a change
# of members or state must count from the request after it, not later.
# Each case asks twice where a stale answer could come from the cache.

curl_json POST /v1/rooms "$(forge create rc alice $PW)"
TRA=$(json_get token)
curl_json POST /v1/rooms/rc/members "$(forge join rc gus $PW "$(nonce rc)")"
TG=$(json_get token)
run_table <<'EOF'
cache: gus pending reads         | 403 | not_admitted   | GET    | /v1/rooms/rc/messages | | $TG
cache: gus pending reads again   | 403 | not_admitted   | GET    | /v1/rooms/rc/messages | | $TG
cache: alice reads               | 200 | -              | GET    | /v1/rooms/rc/messages | | $TRA
cache: gus admitted              | 200 | -              | POST   | /v1/rooms/rc/state    | $(forge state rc alice 2 1 gus) | $TRA
cache: gus reads once admitted   | 200 | -              | GET    | /v1/rooms/rc/messages | | $TG
cache: gus posts at epoch 1      | 201 | -              | POST   | /v1/rooms/rc/messages | $(forge msg 1 1) | $TG
cache: epoch 2 before it exists  | 400 | bad_field      | POST   | /v1/rooms/rc/messages | $(forge msg 2 2) | $TG
cache: a state of epoch 2        | 200 | -              | POST   | /v1/rooms/rc/state    | $(forge state rc alice 3 2 gus) | $TRA
cache: gus posts at epoch 2      | 201 | -              | POST   | /v1/rooms/rc/messages | $(forge msg 2 2) | $TG
cache: gus posts counter 9       | 201 | -              | POST   | /v1/rooms/rc/messages | $(forge msg 2 9) | $TG
cache: gus reuses counter 9      | 409 | counter_reused | POST   | /v1/rooms/rc/messages | $(forge msg 2 9) | $TG
EOF
check_eq 1 "$(grep -c 'must be above 9' <<<"$BODY")" "cache: the 409 names the stored counter"
run_table <<'EOF'
cache: gus reads before removal  | 200 | -              | GET    | /v1/rooms/rc/messages | | $TG
cache: gus reads again, cached   | 200 | -              | GET    | /v1/rooms/rc/messages | | $TG
cache: gus dropped by a state    | 200 | -              | POST   | /v1/rooms/rc/state    | $(forge state rc alice 4 3) | $TRA
cache: gus's read after removal  | 403 | removed        | GET    | /v1/rooms/rc/messages | | $TG
cache: gus's post after removal  | 403 | removed        | POST   | /v1/rooms/rc/messages | $(forge msg 2 10) | $TG
cache: alice unaffected          | 200 | -              | GET    | /v1/rooms/rc/messages | | $TRA
cache: alice's token, room r1    | 401 | unauthorized   | GET    | /v1/rooms/r1/messages | | $TRA
cache: hal joins                 | 201 | -              | POST   | /v1/rooms/rc/members  | $(forge join rc hal $PW "$(nonce rc)")
EOF
TH=$(json_get token)
run_table <<'EOF'
cache: hal pending reads         | 403 | not_admitted   | GET    | /v1/rooms/rc/messages | | $TH
cache: hal pending reads again   | 403 | not_admitted   | GET    | /v1/rooms/rc/messages | | $TH
cache: hal declined              | 200 | -              | DELETE | /v1/rooms/rc/members/hal | | $TRA
cache: hal's read after decline  | 403 | removed        | GET    | /v1/rooms/rc/messages | | $TH
EOF

# ---- the reply cache (relay/replycache.h) ----
# A read that found nothing after SEQ is remembered until the room's next
# commit, so that long-polls re-armed after the newest message park
# without a query. A post must end that at once, and a remembered
# nothing must still park, not answer early.

expect "replies: alice reads rc" 200 - GET /v1/rooms/rc/messages "" "$TRA"
RC_LAST=$(json_get messages.2.seq)
check_eq "3 1" "$(json_len messages) $([ -n "$RC_LAST" ] && echo 1)" "replies: three messages"
for ask in "first" "again, remembered"; do
	expect "replies: nothing after the last, $ask" 200 - GET \
		"/v1/rooms/rc/messages?after=$RC_LAST" "" "$TRA"
	check_eq 0 "$(json_len messages)" "replies: nothing after the last, $ask: empty"
done
expect "replies: nothing far above the last" 200 - GET \
	"/v1/rooms/rc/messages?after=$((RC_LAST + 1000))&limit=5" "" "$TRA"
check_eq 0 "$(json_len messages)" "replies: nothing far above the last: empty"
expect "replies: alice posts" 201 - POST /v1/rooms/rc/messages "$(forge msg 2 1)" "$TRA"
expect "replies: after the last again" 200 - GET "/v1/rooms/rc/messages?after=$RC_LAST" "" "$TRA"
check_eq "1 alice" \
	"$(json_len messages) $(json_get messages.0.sender)" "replies: the new message, not the remembered nothing"
RC_NEW=$(json_get messages.0.seq)
for ask in "first" "again, remembered"; do
	t0=$(date +%s%N)
	expect "replies: wait=1 after the newest, $ask" 200 - GET \
		"/v1/rooms/rc/messages?after=$RC_NEW&wait=1" "" "$TRA"
	waited_ms=$((($(date +%s%N) - t0) / 1000000))
	check_eq "0 1" \
		"$(json_len messages) $([ "$waited_ms" -ge 900 ] && echo 1)" "replies: wait=1 after the newest, $ask: parked, then empty"
done


checks_done api-caches

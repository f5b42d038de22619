#!/usr/bin/env bash
# tests/api/members.sh - the API catalogue: joining, the member list and removal.
# (tests/api/lib.sh says how a case reads).
. "$(dirname "$0")/lib.sh"

relay_start
create_room TA r1 alice $PW
create_room TD r2 dave pw-two

# ---- join ----

N=$(nonce r1)
expect "join: bob" 201 - POST /v1/rooms/r1/members "$(forge join r1 bob $PW "$N")"
TB=$(json_get token)
check_eq pending "$(json_get status)" "join: status pending"
check_eq bob "$(json_get member)" "join: member"
expect "join: reused challenge" 401 bad_challenge POST /v1/rooms/r1/members \
	"$(forge join r1 zed $PW "$N")"
N=$(nonce r1)
expect "join: wrong password" 403 bad_proof POST /v1/rooms/r1/members \
	"$(forge join r1 eve wrong-password "$N")"
expect "join: challenge gone after a wrong proof" 401 bad_challenge POST /v1/rooms/r1/members \
	"$(forge join r1 eve $PW "$N")"
expect "join: carol" 201 - POST /v1/rooms/r1/members "$(forge join r1 carol $PW "$(nonce r1)")"
TC=$(json_get token)
check_eq 1 "$([ "$TB" != "$TC" ] && echo 1)" "join: tokens differ"

run_table <<'EOF'
join: name taken            | 409 | name_taken    | POST | /v1/rooms/r1/members | $(forge join r1 bob $PW "$(nonce r1)")
join: creator's name taken  | 409 | name_taken    | POST | /v1/rooms/r1/members | $(forge join r1 alice $PW "$(nonce r1)")
join: unknown nonce         | 401 | bad_challenge | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$B32")
join: another room's nonce  | 401 | bad_challenge | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r2)")
join: proof for another room| 403 | bad_proof     | POST | /v1/rooms/r1/members | $(forge join r2 frank $PW "$(nonce r1)")
join: unknown room          | 404 | no_room       | POST | /v1/rooms/nosuch/members | $(forge join nosuch frank $PW "$B32")
join: malformed             | 400 | bad_json      | POST | /v1/rooms/r1/members | '{'
join: duplicate keys        | 400 | bad_json      | POST | /v1/rooms/r1/members | '{"v":2,"name":"a","name":"b"}'
join: unknown field         | 400 | bad_field     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --set x=1)
join: missing proof         | 400 | bad_field     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --del proof)
join: missing nonce         | 400 | bad_field     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --del nonce)
join: missing mac           | 400 | bad_field     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --del mac)
join: nonce 31 bytes        | 400 | bad_field     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --set "nonce=\"$B31\"")
join: proof bad base64      | 400 | bad_field     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --set 'proof="@@@@"')
join: mac 33 bytes          | 400 | bad_field     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --set "mac=\"$B33\"")
join: box_pk a number       | 400 | bad_field     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --set box_pk=7)
join: v 1                   | 400 | bad_version   | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --set v=1)
join: proof, other room id  | 403 | bad_proof     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --id "$(b64zeros 16)")
join: name with a space     | 400 | bad_name      | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --set 'name="a b"')
join: name of 33 chars      | 400 | bad_name      | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --set "name=\"${LONG65:0:33}\"")
EOF

# ---- members ----

run_table <<'EOF'
members: no token           | 401 | unauthorized | GET | /v1/rooms/r1/members
members: unknown token      | 401 | unauthorized | GET | /v1/rooms/r1/members | | $B32
members: token not base64   | 401 | unauthorized | GET | /v1/rooms/r1/members | | not-a-token
members: Basic auth         | 401 | unauthorized | GET | /v1/rooms/r1/members | | | -H 'Authorization: Basic YTpi'
members: other room's token | 401 | unauthorized | GET | /v1/rooms/r1/members | | $TD
members: unknown room       | 404 | no_room      | GET | /v1/rooms/nosuch/members | | $TB
members: as pending carol   | 200 | -            | GET | /v1/rooms/r1/members | | $TC
EOF
check_eq 3 "$(json_len members)" "members: three"
check_eq admitted "$(json_get members.0.status)" "members: alice admitted"
check_eq pending "$(json_get members.1.status)" "members: bob pending"
check_eq 32 "$(json_get members.1.mac | base64 -d | wc -c)" "members: records carry the mac"
check_eq 1 "$([ "$(json_get members.2.joined_at)" -gt 0 ] && echo 1)" "members: joined_at set"


# ---- a join replayed ----


# A join replayed word for word: its nonce is used up.
forge join r1 erin $PW "$(curl -s -X POST "$RELAY_URL/v1/rooms/r1/challenges" | forge get nonce)" \
	>"$T/join-erin.json"
curl_json_file POST /v1/rooms/r1/members "$T/join-erin.json"
check "hostile: a fresh join" 201 -
TE=$(json_get token)
curl_json_file POST /v1/rooms/r1/members "$T/join-erin.json"
check "hostile: the same join replayed" 401 bad_challenge
forge join r1 frank $PW "$(curl -s -X POST "$RELAY_URL/v1/rooms/r1/challenges" | forge get nonce)" \
	>"$T/join-frank.json"
curl_json_file POST /v1/rooms/r1/members "$T/join-frank.json"
check "hostile: another join" 201 -
TF=$(json_get token)


admit r1 "$TA" alice 2 1 bob

# ---- removal ----
# A DELETE is for leaving (not an admin: another admin signs a state
# without it) and for declining a pending member (an admin of the current
# state); an admitted member goes with a signed state.

run_table <<'EOF'
remove: pending erin by bob    | 403 | not_admin     | DELETE | /v1/rooms/r1/members/erin   | | $TB
remove: the admin by bob       | 403 | not_admin     | DELETE | /v1/rooms/r1/members/alice  | | $TB
remove: pending erin by carol  | 403 | not_admin     | DELETE | /v1/rooms/r1/members/erin   | | $TC
remove: the admin by itself    | 409 | admin_stays   | DELETE | /v1/rooms/r1/members/alice  | | $TA
remove: admitted bob by alice  | 409 | in_state      | DELETE | /v1/rooms/r1/members/bob    | | $TA
EOF
check_contains "$BODY" "signed state" "remove: in_state says how"
run_table <<'EOF'
remove: unknown member         | 404 | no_member     | DELETE | /v1/rooms/r1/members/nobody | | $TA
remove: bad name               | 400 | bad_name      | DELETE | /v1/rooms/r1/members/-x     | | $TA
remove: no token               | 401 | unauthorized  | DELETE | /v1/rooms/r1/members/erin
remove: erin declined by alice | 200 | -             | DELETE | /v1/rooms/r1/members/erin   | | $TA
remove: erin again             | 404 | no_member     | DELETE | /v1/rooms/r1/members/erin   | | $TA
remove: erin's token after     | 403 | removed       | GET    | /v1/rooms/r1/members        | | $TE
remove: pending frank leaves   | 200 | -             | DELETE | /v1/rooms/r1/members/frank  | | $TF
remove: frank's token after    | 403 | removed       | GET    | /v1/rooms/r1/wraps          | | $TF
remove: admitted bob leaves    | 200 | -             | DELETE | /v1/rooms/r1/members/bob    | | $TB
remove: bob's token after      | 403 | removed       | GET    | /v1/rooms/r1/state          | | $TB
remove: a state listing bob    | 400 | bad_field     | POST   | /v1/rooms/r1/state          | $(forge state r1 alice 3 1 bob) | $TA
remove: a state without bob    | 200 | -             | POST   | /v1/rooms/r1/state          | $(forge state r1 alice 3 1) | $TA
EOF
expect "remove: the list" 200 - GET /v1/rooms/r1/members "" "$TA"
check_eq 1 \
	"$(grep -c '"name":"erin","sign_pk":"[^"]*","box_pk":"[^"]*","mac":"[^"]*","status":"removed"' <<<"$BODY")" "remove: erin listed as removed"


checks_done api-members

#!/usr/bin/env bash
# tests/api/rooms.sh - the API catalogue: routing, room creation, room parameters and join challenges.
# (tests/api/lib.sh says how a case reads).
. "$(dirname "$0")/lib.sh"

relay_start

# ---- routing ----

run_table <<'EOF'
route: root                 | 404 | no_route           | GET    | /
route: /v1                  | 404 | no_route           | GET    | /v1
route: unknown resource     | 404 | no_route           | GET    | /v1/rooms/r1/nope
route: too many segments    | 404 | no_route           | GET    | /v1/rooms/r1/messages/x
route: GET /v1/rooms        | 405 | method_not_allowed | GET    | /v1/rooms
route: DELETE room          | 405 | method_not_allowed | DELETE | /v1/rooms/r1
route: PUT members          | 405 | method_not_allowed | PUT    | /v1/rooms/r1/members
route: room ..              | 400 | bad_name           | GET    | /v1/rooms/..                 | | | --path-as-is
route: room %2e%2e          | 400 | bad_name           | GET    | /v1/rooms/%2e%2e
route: ../messages          | 400 | bad_name           | GET    | /v1/rooms/../messages        | | | --path-as-is
route: %2e%2e/members       | 400 | bad_name           | GET    | /v1/rooms/%2e%2e/members
route: room starts with -   | 400 | bad_name           | GET    | /v1/rooms/-abc
route: room of 65 chars     | 400 | bad_name           | GET    | /v1/rooms/$LONG65
route: empty room           | 400 | bad_name           | GET    | /v1/rooms/
route: room with space      | 400 | bad_name           | GET    | /v1/rooms/a%20b
route: unknown room         | 404 | no_room            | GET    | /v1/rooms/nosuch
EOF

curl_json PUT /v1/rooms/r1/members
check_eq "Allow: POST, GET" "$(grep -i '^allow:' <<<"$HEADERS")" "route: Allow on members"
curl_json DELETE /v1/rooms/r1/messages
check_eq "Allow: POST, GET" "$(grep -i '^allow:' <<<"$HEADERS")" "route: Allow on messages"
curl_json GET "/v1/rooms/$(printf 'a%.0s' $(seq 1 1100))"
check "route: path over 1024 bytes" 414 uri_too_long

# ---- create ----

expect "create: r1" 201 - POST /v1/rooms "$(forge create r1 alice $PW)"
TA=$(json_get token)
check_eq r1 "$(json_get room)" "create: reply names the room"
check_eq alice "$(json_get member)" "create: reply names the member"
check_eq 32 "$(json_get token | base64 -d | wc -c)" "create: token is 32 bytes"
expect "create: r2" 201 - POST /v1/rooms "$(forge create r2 dave pw-two)"
TD=$(json_get token)

run_table <<'EOF'
create: room exists          | 409 | room_exists   | POST | /v1/rooms | $(forge create r1 alice $PW)
create: room exists, other creator | 409 | room_exists | POST | /v1/rooms | $(forge create r1 mallory other-pw)
create: malformed JSON       | 400 | bad_json      | POST | /v1/rooms | '{"v":2,'
create: duplicate keys       | 400 | bad_json      | POST | /v1/rooms | '{"v":2,"v":2}'
create: array body           | 400 | bad_json      | POST | /v1/rooms | '[1]'
create: number body          | 400 | bad_json      | POST | /v1/rooms | '1'
create: empty body           | 400 | bad_json      | POST | /v1/rooms |
create: trailing garbage     | 400 | bad_json      | POST | /v1/rooms | '{"v":2} x'
create: unknown field        | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set extra=1)
create: missing salt         | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --del salt)
create: missing id           | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --del id)
create: id 15 bytes          | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set "id=\"$B15\"")
create: id 17 bytes          | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set "id=\"$(b64zeros 17)\"")
create: missing state        | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --del state)
create: opslimit a string    | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set 'opslimit="2"')
create: room a number        | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set room=5)
create: member an array      | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set member=[])
create: salt bad base64      | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set 'salt="!!!!"')
create: salt unpadded        | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set 'salt="AAAAAAAAAAAAAAAAAAAAAA"')
create: salt 15 bytes        | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set "salt=\"$B15\"")
create: access_pk 31 bytes   | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set "access_pk=\"$B31\"")
create: access_pk 33 bytes   | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set "access_pk=\"$B33\"")
create: sign_pk 31 bytes     | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set "member.sign_pk=\"$B31\"")
create: member unknown field | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set member.x=1)
create: member without mac   | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --del member.mac)
create: v 1                  | 400 | bad_version   | POST | /v1/rooms | $(forge create rx alice $PW --set v=1)
create: v 3                  | 400 | bad_version   | POST | /v1/rooms | $(forge create rx alice $PW --set v=3)
create: v a string           | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set 'v="2"')
create: member v 1           | 400 | bad_version   | POST | /v1/rooms | $(forge create rx alice $PW --set member.v=1)
create: room ..              | 400 | bad_name      | POST | /v1/rooms | $(forge create rx alice $PW --set 'room=".."')
create: room of 65 chars     | 400 | bad_name      | POST | /v1/rooms | $(forge create rx alice $PW --set "room=\"$LONG65\"")
create: member name -x       | 400 | bad_name      | POST | /v1/rooms | $(forge create rx alice $PW --set 'member.name="-x"')
create: opslimit 1           | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set opslimit=1)
create: opslimit 17          | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set opslimit=17)
create: opslimit -1          | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set opslimit=-1)
create: memlimit 1 KiB       | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set memlimit=1024)
create: memlimit 2 GiB       | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set memlimit=2147483648)
create: signed by another    | 400 | bad_signature | POST | /v1/rooms | $(forge create rx alice $PW --signer mallory)
create: payload not signed   | 400 | bad_signature | POST | /v1/rooms | $(forge create rx alice $PW --set 'state.payload="bm90IGpzb24="')
create: state sig 63 bytes   | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set "state.sig=\"$(b64zeros 63)\"")
create: state without sig    | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --del state.sig)
create: payload other room   | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset 'room="other"')
create: payload by another   | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset 'by="bob"')
create: payload by bob, signed by bob | 400 | bad_signature | POST | /v1/rooms | $(forge create rx alice $PW --pset 'by="bob"' --signer bob)
create: payload other id     | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset "id=\"$(b64zeros 16)\"")
create: payload, no admin    | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset members.0.admin=false)
create: access of another pw | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --password other-pw)
create: access other salt    | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset "access.salt=\"$(b64zeros 16)\"")
create: access other opslimit| 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset access.opslimit=3)
create: access missing       | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pdel access)
create: state without mac    | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --del state.mac)
create: state mac 31 bytes   | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set "state.mac=\"$B31\"")
create: payload revision 2   | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset revision=2)
create: payload epoch 2      | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset epoch=2)
create: payload v 1          | 400 | bad_version   | POST | /v1/rooms | $(forge create rx alice $PW --pset v=1)
create: payload unknown field| 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset x=1)
create: payload lists another| 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset "members.1={\"name\":\"bob\",\"sign_pk\":\"$B32\",\"box_pk\":\"$B32\",\"since\":1,\"admin\":false}")
create: payload keys differ  | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset "members.0.box_pk=\"$B32\"")
create: wrap for unlisted    | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --wraps alice,bob)
create: two wraps for one    | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --wraps alice,alice)
create: wrap other epoch     | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --wrap-epoch 2)
create: wrap box 32 bytes    | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set "wraps.0.box=\"$B32\"")
create: wraps an object      | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set 'wraps={}')
create: wrap unknown field   | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set wraps.0.x=1)
create: wrap by another      | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --wrap-by bob)
create: wrap without by      | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --del wraps.0.by)
EOF
expect "create: none of the refused rooms exists" 404 no_room GET /v1/rooms/rx

# ---- room parameters ----

expect "room: get r1" 200 - GET /v1/rooms/r1
check_eq 2 "$(json_get v)" "room: v"
check_eq "$(forge create r1 alice $PW | forge get id)" "$(json_get id)" "room: the id of the create body"
check_eq 16 "$(json_get id | base64 -d | wc -c)" "room: id is 16 bytes"
check_eq alice "$(json_get creator)" "room: creator"
check_eq 2 "$(json_get opslimit)" "room: opslimit"
check_eq 16 "$(json_get salt | base64 -d | wc -c)" "room: salt is 16 bytes"
check_eq "" "$(json_get access_pk)" "room: access_pk is not served"

# ---- challenges ----

run_table <<'EOF'
challenge: no body          | 201 | -           | POST | /v1/rooms/r1/challenges
challenge: empty body       | 201 | -           | POST | /v1/rooms/r1/challenges | | | -d ''
challenge: {}               | 201 | -           | POST | /v1/rooms/r1/challenges | '{}'
challenge: a field          | 400 | bad_field   | POST | /v1/rooms/r1/challenges | '{"x":1}'
challenge: malformed        | 400 | bad_json    | POST | /v1/rooms/r1/challenges | 'nope'
challenge: unknown room     | 404 | no_room     | POST | /v1/rooms/nosuch/challenges
challenge: bad room name    | 400 | bad_name    | POST | /v1/rooms/a..%21/challenges
challenge: GET              | 405 | method_not_allowed | GET | /v1/rooms/r1/challenges
EOF
curl_json POST /v1/rooms/r1/challenges
check_eq 32 "$(json_get nonce | base64 -d | wc -c)" "challenge: nonce is 32 bytes"
check_eq 60 "$(json_get expires_in)" "challenge: expires_in"


checks_done api-rooms

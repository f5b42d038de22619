#!/bin/bash
# tests/api/run.sh - the relay's API suite: the real curl against a real
# relay, every endpoint's success path and the error paths of
# docs/PROTOCOL.md. Each case checks the exact HTTP status and the error
# code of the JSON body ("-": a success body, with no "error").
#
# Needs E2E_RELAY (the relay) and E2E_FORGE (tests/api/forge.c, which
# makes the signed bodies). Prints "api: N passed, M failed" last and
# exits non-zero if any case failed. API_VERBOSE=1 shows every reply.

. "$(dirname "$0")/../lib.sh"
: "${E2E_FORGE:?set E2E_FORGE to the forge helper}"

PASSED=0
FAILED=0

forge() {
	"$E2E_FORGE" "$@"
}

pass() {
	PASSED=$((PASSED + 1))
}

flunk() {
	FAILED=$((FAILED + 1))
	echo "FAIL: $*" >&2
}

# verify NAME WANT GOT: one case that is a plain comparison.
verify() {
	if [ "$2" = "$3" ]; then pass; else flunk "$1: expected '$2', got '$3'"; fi
}

# check NAME STATUS CODE: the last reply had STATUS and error code CODE.
check() {
	local code
	code=$(json_get error.code)
	if [ "$STATUS" = "$2" ] && [ "${code:--}" = "$3" ]; then
		pass
		[ -z "${API_VERBOSE:-}" ] || echo "ok: $1: $STATUS $(head -c 200 <<<"$BODY")" >&2
	else
		flunk "$1: expected $2 $3, got $STATUS ${code:--}: $(head -c 300 <<<"$BODY")"
	fi
}

# The stored rooms, members, states, wraps and messages, as one hash
# (challenges left out: a join attempt uses up its nonce, by design).
db_snapshot() {
	local dump
	dump=$(sqlite3 -readonly "$RELAY_DB" ".dump rooms members states wraps messages") || dump=
	# Unreadable: a value that never repeats, so the comparison fails loudly.
	[[ $dump == *"CREATE TABLE rooms"* ]] || dump="unreadable $RANDOM $RANDOM $SECONDS"
	sha256sum <<<"$dump"
}

# expect NAME STATUS CODE METHOD PATH [BODY] [TOKEN]; a refused request
# must also leave the stored data as it was.
expect() {
	local name=$1 status=$2 code=$3 before
	shift 3
	before=$(db_snapshot)
	curl_json "$@"
	check "$name" "$status" "$code"
	if [ "$status" -ge 400 ] && [ "$(db_snapshot)" != "$before" ]; then
		flunk "$name: a refused request changed the stored data"
	fi
}

trim() {
	local s=$1
	s=${s#"${s%%[![:space:]]*}"}
	s=${s%"${s##*[![:space:]]}"}
	printf '%s' "$s"
}

# run_table: one case per line on stdin,
#   NAME | STATUS | CODE | METHOD | PATH | BODY | TOKEN | CURL ARGS
# PATH, BODY, TOKEN and CURL ARGS are shell words, evaluated when the row
# runs (BODY is often $(forge ...)); empty ones are left out. Lines that
# are blank or start with # are skipped.
run_table() {
	local row name status code method path body token extra
	while IFS= read -r row; do
		[[ -z "${row//[[:space:]]/}" || $row == \#* ]] && continue
		IFS='|' read -r name status code method path body token extra <<<"$row"
		name=$(trim "$name") status=$(trim "$status") code=$(trim "$code")
		method=$(trim "$method")
		eval "path=$(trim "$path")"
		eval "body=$(trim "${body:-}")"
		eval "token=$(trim "${token:-}")"
		eval "CURL_EXTRA=($(trim "${extra:-}"))"
		expect "$name" "$status" "$code" "$method" "$path" "$body" "$token"
		CURL_EXTRA=()
	done
}

# A fresh join challenge nonce for ROOM.
nonce() {
	local out
	out=$(curl -s -X POST "$RELAY_URL/v1/rooms/$1/challenges")
	"$E2E_FORGE" get nonce <<<"$out"
}

b64zeros() {
	head -c "$1" /dev/zero | base64 -w0
}

B15=$(b64zeros 15)
B31=$(b64zeros 31)
B32=$(b64zeros 32)
B33=$(b64zeros 33)
LONG65=$(printf 'a%.0s' $(seq 1 65))
PW=pw-one

# ---- the command line ----

out=$("$E2E_RELAY" --version 2>&1)
verify "cli: --version" "relay 0" "${out%%.*}"
"$E2E_RELAY" --help >/dev/null 2>&1
verify "cli: --help exits 0" 0 $?
out=$(timeout 5 "$E2E_RELAY" --bogus 2>&1)
rc=$?
verify "cli: unknown option exits 2" 2 $rc
verify "cli: unknown option, one line" 1 "$(wc -l <<<"$out")"
timeout 5 "$E2E_RELAY" --port 70000 >/dev/null 2>&1
verify "cli: bad --port exits 2" 2 $?
timeout 5 "$E2E_RELAY" --bind not-an-address >/dev/null 2>&1
verify "cli: bad --bind exits 2" 2 $?
timeout 5 "$E2E_RELAY" extra-argument >/dev/null 2>&1
verify "cli: stray argument exits 2" 2 $?

relay_start
verify "db file is 0600" 600 "$(stat -c %a "$RELAY_DB")"

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
verify "route: Allow on members" "Allow: POST, GET" "$(grep -i '^allow:' <<<"$HEADERS")"
curl_json DELETE /v1/rooms/r1/messages
verify "route: Allow on messages" "Allow: POST, GET" "$(grep -i '^allow:' <<<"$HEADERS")"
curl_json GET "/v1/rooms/$(printf 'a%.0s' $(seq 1 1100))"
check "route: path over 1024 bytes" 414 uri_too_long

# ---- create ----

expect "create: r1" 201 - POST /v1/rooms "$(forge create r1 alice $PW)"
TA=$(json_get token)
verify "create: reply names the room" r1 "$(json_get room)"
verify "create: reply names the member" alice "$(json_get member)"
verify "create: token is 32 bytes" 32 "$(json_get token | base64 -d | wc -c)"
expect "create: r2" 201 - POST /v1/rooms "$(forge create r2 dave pw-two)"
TD=$(json_get token)

run_table <<'EOF'
create: room exists          | 409 | room_exists   | POST | /v1/rooms | $(forge create r1 alice $PW)
create: room exists, other creator | 409 | room_exists | POST | /v1/rooms | $(forge create r1 mallory other-pw)
create: malformed JSON       | 400 | bad_json      | POST | /v1/rooms | '{"v":1,'
create: duplicate keys       | 400 | bad_json      | POST | /v1/rooms | '{"v":1,"v":1}'
create: array body           | 400 | bad_json      | POST | /v1/rooms | '[1]'
create: number body          | 400 | bad_json      | POST | /v1/rooms | '1'
create: empty body           | 400 | bad_json      | POST | /v1/rooms |
create: trailing garbage     | 400 | bad_json      | POST | /v1/rooms | '{"v":1} x'
create: unknown field        | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set extra=1)
create: missing salt         | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --del salt)
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
create: v 2                  | 400 | bad_version   | POST | /v1/rooms | $(forge create rx alice $PW --set v=2)
create: v a string           | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set 'v="1"')
create: member v 2           | 400 | bad_version   | POST | /v1/rooms | $(forge create rx alice $PW --set member.v=2)
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
create: payload other creator| 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset 'creator="bob"')
create: payload revision 2   | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset revision=2)
create: payload epoch 2      | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset epoch=2)
create: payload v 2          | 400 | bad_version   | POST | /v1/rooms | $(forge create rx alice $PW --pset v=2)
create: payload unknown field| 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset x=1)
create: payload lists another| 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset "members.1={\"name\":\"bob\",\"sign_pk\":\"$B32\",\"box_pk\":\"$B32\"}")
create: payload keys differ  | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --pset "members.0.box_pk=\"$B32\"")
create: wrap for unlisted    | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --wraps alice,bob)
create: two wraps for one    | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --wraps alice,alice)
create: wrap other epoch     | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --wrap-epoch 2)
create: wrap box 32 bytes    | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set "wraps.0.box=\"$B32\"")
create: wraps an object      | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set 'wraps={}')
create: wrap unknown field   | 400 | bad_field     | POST | /v1/rooms | $(forge create rx alice $PW --set wraps.0.x=1)
EOF
expect "create: none of the refused rooms exists" 404 no_room GET /v1/rooms/rx

# ---- room parameters ----

expect "room: get r1" 200 - GET /v1/rooms/r1
verify "room: v" 1 "$(json_get v)"
verify "room: creator" alice "$(json_get creator)"
verify "room: opslimit" 2 "$(json_get opslimit)"
verify "room: salt is 16 bytes" 16 "$(json_get salt | base64 -d | wc -c)"
verify "room: access_pk is not served" "" "$(json_get access_pk)"

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
verify "challenge: nonce is 32 bytes" 32 "$(json_get nonce | base64 -d | wc -c)"
verify "challenge: expires_in" 60 "$(json_get expires_in)"

# ---- join ----

N=$(nonce r1)
expect "join: bob" 201 - POST /v1/rooms/r1/members "$(forge join r1 bob $PW "$N")"
TB=$(json_get token)
verify "join: status pending" pending "$(json_get status)"
verify "join: member" bob "$(json_get member)"
expect "join: reused challenge" 401 bad_challenge POST /v1/rooms/r1/members \
	"$(forge join r1 zed $PW "$N")"
N=$(nonce r1)
expect "join: wrong password" 403 bad_proof POST /v1/rooms/r1/members \
	"$(forge join r1 eve wrong-password "$N")"
expect "join: challenge gone after a wrong proof" 401 bad_challenge POST /v1/rooms/r1/members \
	"$(forge join r1 eve $PW "$N")"
expect "join: carol" 201 - POST /v1/rooms/r1/members "$(forge join r1 carol $PW "$(nonce r1)")"
TC=$(json_get token)
verify "join: tokens differ" 1 "$([ "$TB" != "$TC" ] && echo 1)"

run_table <<'EOF'
join: name taken            | 409 | name_taken    | POST | /v1/rooms/r1/members | $(forge join r1 bob $PW "$(nonce r1)")
join: creator's name taken  | 409 | name_taken    | POST | /v1/rooms/r1/members | $(forge join r1 alice $PW "$(nonce r1)")
join: unknown nonce         | 401 | bad_challenge | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$B32")
join: another room's nonce  | 401 | bad_challenge | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r2)")
join: proof for another room| 403 | bad_proof     | POST | /v1/rooms/r1/members | $(forge join r2 frank $PW "$(nonce r1)")
join: unknown room          | 404 | no_room       | POST | /v1/rooms/nosuch/members | $(forge join nosuch frank $PW "$B32")
join: malformed             | 400 | bad_json      | POST | /v1/rooms/r1/members | '{'
join: duplicate keys        | 400 | bad_json      | POST | /v1/rooms/r1/members | '{"v":1,"name":"a","name":"b"}'
join: unknown field         | 400 | bad_field     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --set x=1)
join: missing proof         | 400 | bad_field     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --del proof)
join: missing nonce         | 400 | bad_field     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --del nonce)
join: missing mac           | 400 | bad_field     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --del mac)
join: nonce 31 bytes        | 400 | bad_field     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --set "nonce=\"$B31\"")
join: proof bad base64      | 400 | bad_field     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --set 'proof="@@@@"')
join: mac 33 bytes          | 400 | bad_field     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --set "mac=\"$B33\"")
join: box_pk a number       | 400 | bad_field     | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --set box_pk=7)
join: v 2                   | 400 | bad_version   | POST | /v1/rooms/r1/members | $(forge join r1 frank $PW "$(nonce r1)" --set v=2)
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
verify "members: three" 3 "$(json_len members)"
verify "members: alice admitted" admitted "$(json_get members.0.status)"
verify "members: bob pending" pending "$(json_get members.1.status)"
verify "members: records carry the mac" 32 "$(json_get members.1.mac | base64 -d | wc -c)"
verify "members: joined_at set" 1 "$([ "$(json_get members.2.joined_at)" -gt 0 ] && echo 1)"

# ---- state ----

expect "state: get as pending member" 200 - GET /v1/rooms/r1/state "" "$TC"
verify "state: revision 1" 1 "$(json_get payload:revision)"
verify "state: lists the creator" alice "$(json_get payload:members.0.name)"

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
verify "state: reply revision" 2 "$(json_get revision)"
expect "state: same revision again" 409 stale_revision POST /v1/rooms/r1/state \
	"$(forge state r1 alice 2 1 bob)" "$TA"
expect "state: get newest" 200 - GET /v1/rooms/r1/state "" "$TB"
verify "state: newest revision" 2 "$(json_get payload:revision)"
verify "state: newest lists two" 2 "$(json_len payload:members)"
curl_json GET /v1/rooms/r1/members "" "$TA"
verify "state: bob admitted" admitted "$(json_get members.1.status)"
verify "state: carol still pending" pending "$(json_get members.2.status)"

# ---- wraps ----

expect "wraps: bob's" 200 - GET /v1/rooms/r1/wraps "" "$TB"
verify "wraps: bob has one" 1 "$(json_len wraps)"
verify "wraps: for bob" bob "$(json_get wraps.0.member)"
verify "wraps: epoch 1" 1 "$(json_get wraps.0.epoch)"
verify "wraps: box 48 bytes" 48 "$(json_get wraps.0.box | base64 -d | wc -c)"
expect "wraps: alice's" 200 - GET /v1/rooms/r1/wraps "" "$TA"
verify "wraps: alice has one, for her" "1 alice" "$(json_len wraps) $(json_get wraps.0.member)"
expect "wraps: pending carol's" 200 - GET /v1/rooms/r1/wraps "" "$TC"
verify "wraps: carol has none" 0 "$(json_len wraps)"
run_table <<'EOF'
wraps: no token             | 401 | unauthorized       | GET  | /v1/rooms/r1/wraps
wraps: POST                 | 405 | method_not_allowed | POST | /v1/rooms/r1/wraps | '{}' | $TA
EOF

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
msg: v 2                    | 400 | bad_version    | POST | /v1/rooms/r1/messages | $(forge msg 1 2 --set v=2) | $TB
msg: malformed              | 400 | bad_json       | POST | /v1/rooms/r1/messages | '{"v":1' | $TB
msg: duplicate keys         | 400 | bad_json       | POST | /v1/rooms/r1/messages | '{"v":1,"v":1}' | $TB
msg: ct of 24704 bytes      | 201 | -              | POST | /v1/rooms/r1/messages | $(forge msg 1 2 24704) | $TB
msg: alice counter 1        | 201 | -              | POST | /v1/rooms/r1/messages | $(forge msg 1 1) | $TA
msg: bob counter 7 (a gap)  | 201 | -              | POST | /v1/rooms/r1/messages | $(forge msg 1 7) | $TB
msg: bob counter 6          | 409 | counter_reused | POST | /v1/rooms/r1/messages | $(forge msg 1 6) | $TB
EOF

expect "msg: read all" 200 - GET /v1/rooms/r1/messages "" "$TA"
verify "msg: four messages" 4 "$(json_len messages)"
verify "msg: oldest first" "bob 1 alice" \
	"$(json_get messages.0.sender) $(json_get messages.0.counter) $(json_get messages.2.sender)"
verify "msg: seq increases" 1 \
	"$([ "$(json_get messages.0.seq)" -lt "$(json_get messages.3.seq)" ] && echo 1)"
verify "msg: newest last" "bob 7" "$(json_get messages.3.sender) $(json_get messages.3.counter)"
verify "msg: received_at set" 1 "$([ "$(json_get messages.0.received_at)" -gt 0 ] && echo 1)"
verify "msg: ct kept whole" 24704 "$(json_get messages.1.ct | base64 -d | wc -c)"
SEQ1=$(json_get messages.0.seq)
SEQ_LAST=$(json_get messages.3.seq)
expect "msg: after the first" 200 - GET "/v1/rooms/r1/messages?after=$SEQ1" "" "$TB"
verify "msg: three after the first" 3 "$(json_len messages)"
expect "msg: limit 1" 200 - GET "/v1/rooms/r1/messages?limit=1" "" "$TB"
verify "msg: one with limit 1" "1 $SEQ1" "$(json_len messages) $(json_get messages.0.seq)"
expect "msg: after the last" 200 - GET "/v1/rooms/r1/messages?after=$SEQ_LAST&limit=1000" "" "$TB"
verify "msg: none after the last" 0 "$(json_len messages)"

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

# ---- limits ----

head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$T/big.json"
curl_json_file POST /v1/rooms "$T/big.json"
check "limit: body over 1 MiB" 413 body_too_large
CURL_EXTRA=(-H 'Transfer-Encoding: chunked')
curl_json_file POST /v1/rooms "$T/big.json"
check "limit: chunked body over 1 MiB" 413 body_too_large
CURL_EXTRA=()
{ printf '{}'; head -c $((1024 * 1024 - 2)) /dev/zero | tr '\0' ' '; } >"$T/max.json"
curl_json_file POST /v1/rooms/r1/challenges "$T/max.json"
check "limit: body of exactly 1 MiB" 201 -
# The request line and headers share libmicrohttpd's per-connection
# memory (8 KiB): 6,000 bytes of them pass; 9,000 are refused with 431
# (libmicrohttpd's own reply, not JSON) and the relay goes on.
CURL_EXTRA=(-H "X-Pad: $(head -c 6000 /dev/zero | tr '\0' a)")
curl_json GET /v1/rooms/r1
check "limit: 6000 bytes of headers" 200 -
CURL_EXTRA=(-H "X-Pad: $(head -c 9000 /dev/zero | tr '\0' a)")
curl_json GET /v1/rooms/r1
verify "limit: 9000 bytes of headers" 431 "$STATUS"
CURL_EXTRA=()
expect "limit: served after the 431" 200 - GET /v1/rooms/r1

expect "limit: r3 for the challenge cap" 201 - POST /v1/rooms "$(forge create r3 erin pw-three)"
ok=0
for i in $(seq 1 256); do
	code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$RELAY_URL/v1/rooms/r3/challenges")
	[ "$code" = 201 ] && ok=$((ok + 1))
done
verify "limit: 256 outstanding challenges" 256 "$ok"
expect "limit: the 257th challenge" 429 busy POST /v1/rooms/r3/challenges
expect "limit: other rooms unaffected" 201 - POST /v1/rooms/r1/challenges

# ---- hostile inputs ----

nested() { # N: N opening brackets, N closing ones
	printf '%*s' "$1" '' | tr ' ' '['
	printf '%*s' "$1" '' | tr ' ' ']'
}
printf '{"v":1,"room":"\xff\xfe"}' >"$T/utf8.json"
printf '{"v":1,"name":"a\\u0000b","sign_pk":"x","box_pk":"x","mac":"x","nonce":"x","proof":"x"}' \
	>"$T/nul.json"
nested 100000 >"$T/deep.json"
printf '{"v":1,"room":%s}' "$(nested 5000)" >"$T/deep-field.json"
run_table <<'EOF'
hostile: 100,000 nested arrays   | 400 | bad_json  | POST | /v1/rooms | "$(cat "$T/deep.json")"
hostile: a deeply nested field   | 400 | bad_json  | POST | /v1/rooms | "$(cat "$T/deep-field.json")"
hostile: invalid UTF-8           | 400 | bad_json  | POST | /v1/rooms | "$(cat "$T/utf8.json")"
hostile: NUL in a name           | 400 | bad_json  | POST | /v1/rooms/r1/members | "$(cat "$T/nul.json")"
hostile: integer over 64 bits    | 400 | bad_json  | POST | /v1/rooms | '{"v":1,"opslimit":123456789012345678901234567890}'
hostile: real over the range     | 400 | bad_json  | POST | /v1/rooms | '{"v":1,"opslimit":1e400}'
hostile: opslimit a real         | 400 | bad_field | POST | /v1/rooms | "$(forge create r9 zed pw-nine --set opslimit=2.0)"
hostile: v as a huge integer     | 400 | bad_version | POST | /v1/rooms | "$(forge create r9 zed pw-nine --set v=9223372036854775807)"
hostile: multipart form body     | 400 | bad_json  | POST | /v1/rooms | | | -F x=1
hostile: text/plain, valid JSON  | 409 | room_exists | POST | /v1/rooms | "$(forge create r1 alice $PW)" | | -H 'Content-Type: text/plain'
hostile: bob's token, alice's job | 403 | not_creator | POST | /v1/rooms/r1/state | "$(forge state r1 alice 3 1 bob)" | $TB
hostile: a token in another room | 404 | no_room   | GET  | /v1/rooms/zz/members | | $TC
EOF

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

# ---- removal ----

run_table <<'EOF'
remove: by a non-creator       | 403 | not_creator   | DELETE | /v1/rooms/r1/members/erin   | | $TB
remove: the creator            | 409 | creator_stays | DELETE | /v1/rooms/r1/members/alice  | | $TB
remove: the creator by itself  | 409 | creator_stays | DELETE | /v1/rooms/r1/members/alice  | | $TA
remove: unknown member         | 404 | no_member     | DELETE | /v1/rooms/r1/members/nobody | | $TA
remove: bad name               | 400 | bad_name      | DELETE | /v1/rooms/r1/members/-x     | | $TA
remove: no token               | 401 | unauthorized  | DELETE | /v1/rooms/r1/members/erin
remove: erin by the creator    | 200 | -             | DELETE | /v1/rooms/r1/members/erin   | | $TA
remove: erin again             | 404 | no_member     | DELETE | /v1/rooms/r1/members/erin   | | $TA
remove: erin's token after     | 403 | removed       | GET    | /v1/rooms/r1/members        | | $TE
remove: frank leaves           | 200 | -             | DELETE | /v1/rooms/r1/members/frank  | | $TF
remove: frank's token after    | 403 | removed       | GET    | /v1/rooms/r1/wraps          | | $TF
EOF
expect "remove: the list" 200 - GET /v1/rooms/r1/members "" "$TA"
verify "remove: erin listed as removed" 1 \
	"$(grep -c '"name":"erin","sign_pk":"[^"]*","box_pk":"[^"]*","mac":"[^"]*","status":"removed"' <<<"$BODY")"

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
verify "cache: the 409 names the stored counter" 1 "$(grep -c 'must be above 9' <<<"$BODY")"
run_table <<'EOF'
cache: gus reads before removal  | 200 | -              | GET    | /v1/rooms/rc/messages | | $TG
cache: gus removed               | 200 | -              | DELETE | /v1/rooms/rc/members/gus | | $TRA
cache: gus's read after removal  | 403 | removed        | GET    | /v1/rooms/rc/messages | | $TG
cache: gus's post after removal  | 403 | removed        | POST   | /v1/rooms/rc/messages | $(forge msg 2 10) | $TG
cache: alice unaffected          | 200 | -              | GET    | /v1/rooms/rc/messages | | $TRA
cache: alice's token, room r1    | 401 | unauthorized   | GET    | /v1/rooms/r1/messages | | $TRA
EOF

# ---- the reply cache (relay/replycache.h) ----
# A read that found nothing after SEQ is remembered until the room's next
# commit, so that long-polls re-armed after the newest message park
# without a query. A post must end that at once, and a remembered
# nothing must still park, not answer early.

expect "replies: alice reads rc" 200 - GET /v1/rooms/rc/messages "" "$TRA"
RC_LAST=$(json_get messages.2.seq)
verify "replies: three messages" "3 1" "$(json_len messages) $([ -n "$RC_LAST" ] && echo 1)"
for ask in "first" "again, remembered"; do
	expect "replies: nothing after the last, $ask" 200 - GET \
		"/v1/rooms/rc/messages?after=$RC_LAST" "" "$TRA"
	verify "replies: nothing after the last, $ask: empty" 0 "$(json_len messages)"
done
expect "replies: nothing far above the last" 200 - GET \
	"/v1/rooms/rc/messages?after=$((RC_LAST + 1000))&limit=5" "" "$TRA"
verify "replies: nothing far above the last: empty" 0 "$(json_len messages)"
expect "replies: alice posts" 201 - POST /v1/rooms/rc/messages "$(forge msg 2 1)" "$TRA"
expect "replies: after the last again" 200 - GET "/v1/rooms/rc/messages?after=$RC_LAST" "" "$TRA"
verify "replies: the new message, not the remembered nothing" "1 alice" \
	"$(json_len messages) $(json_get messages.0.sender)"
RC_NEW=$(json_get messages.0.seq)
for ask in "first" "again, remembered"; do
	t0=$(date +%s%N)
	expect "replies: wait=1 after the newest, $ask" 200 - GET \
		"/v1/rooms/rc/messages?after=$RC_NEW&wait=1" "" "$TRA"
	waited_ms=$((($(date +%s%N) - t0) / 1000000))
	verify "replies: wait=1 after the newest, $ask: parked, then empty" "0 1" \
		"$(json_len messages) $([ "$waited_ms" -ge 900 ] && echo 1)"
done

# ---- the relay after all that ----

verify "relay: still running" 0 "$(kill -0 "$RELAY_PID" 2>/dev/null; echo $?)"
expect "relay: still serving" 200 - GET /v1/rooms/r1
leaked=0
for tok in "$TA" "$TB" "$TC" "$TD"; do
	grep -qF -- "$tok" "$T/relay.log" && leaked=1
done
verify "relay: no token in the log" 0 "$leaked"
badlines=$(grep -v '^relay: ' "$T/relay.log" |
	grep -cvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z [A-Z]+ /[^ ]* [0-9]{3} [0-9]+ms$')
verify "relay: every log line well formed" 0 "$badlines"
verify "relay: log has the 414 line" 1 "$(grep -cE ' GET /v1/rooms/a+\.\.\. 414 ' "$T/relay.log")"

rc=0
kill -TERM "$RELAY_PID"
wait "$RELAY_PID" || rc=$?
RELAY_PID=
verify "relay: SIGTERM exits 0" 0 "$rc"
verify "relay: says it shuts down" 1 "$(grep -c '^relay: shutting down$' "$T/relay.log")"

# ---- durability ----

relay_start --quiet
expect "restart: messages kept" 200 - GET /v1/rooms/r1/messages "" "$TB"
verify "restart: four messages" 4 "$(json_len messages)"
expect "restart: post after restart" 201 - POST /v1/rooms/r1/messages "$(forge msg 1 8)" "$TB"
relay_kill9
relay_start --quiet
expect "kill -9: acknowledged message kept" 200 - GET /v1/rooms/r1/messages "" "$TA"
verify "kill -9: five messages" 5 "$(json_len messages)"
verify "quiet: no request lines" 0 "$(grep -vc '^relay: ' "$T/relay.log")"
rc=0
kill -TERM "$RELAY_PID"
wait "$RELAY_PID" || rc=$?
RELAY_PID=
verify "relay: SIGTERM after restart exits 0" 0 "$rc"

echo "api: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]

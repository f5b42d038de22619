#!/usr/bin/env bash
# tests/api/limits.sh - the API catalogue: size limits, the challenge cap and hostile request bodies.
# (tests/api/lib.sh says how a case reads).
. "$(dirname "$0")/lib.sh"

relay_start
create_room TA r1 alice $PW
join_room TB r1 bob $PW
join_room TC r1 carol $PW
admit r1 "$TA" alice 2 1 bob

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
check_eq 431 "$STATUS" "limit: 9000 bytes of headers"
CURL_EXTRA=()
expect "limit: served after the 431" 200 - GET /v1/rooms/r1

expect "limit: r3 for the challenge cap" 201 - POST /v1/rooms "$(forge create r3 erin pw-three)"
ok=0
for i in $(seq 1 256); do
	code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$RELAY_URL/v1/rooms/r3/challenges")
	[ "$code" = 201 ] && ok=$((ok + 1))
done
check_eq 256 "$ok" "limit: 256 outstanding challenges"
expect "limit: the 257th challenge" 429 busy POST /v1/rooms/r3/challenges
expect "limit: other rooms unaffected" 201 - POST /v1/rooms/r1/challenges

# ---- hostile inputs ----

nested() { # N: N opening brackets, N closing ones
	printf '%*s' "$1" '' | tr ' ' '['
	printf '%*s' "$1" '' | tr ' ' ']'
}
printf '{"v":2,"room":"\xff\xfe"}' >"$T/utf8.json"
printf '{"v":2,"name":"a\\u0000b","sign_pk":"x","box_pk":"x","mac":"x","nonce":"x","proof":"x"}' \
	>"$T/nul.json"
nested 100000 >"$T/deep.json"
printf '{"v":2,"room":%s}' "$(nested 5000)" >"$T/deep-field.json"
run_table <<'EOF'
hostile: 100,000 nested arrays   | 400 | bad_json  | POST | /v1/rooms | "$(cat "$T/deep.json")"
hostile: a deeply nested field   | 400 | bad_json  | POST | /v1/rooms | "$(cat "$T/deep-field.json")"
hostile: invalid UTF-8           | 400 | bad_json  | POST | /v1/rooms | "$(cat "$T/utf8.json")"
hostile: NUL in a name           | 400 | bad_json  | POST | /v1/rooms/r1/members | "$(cat "$T/nul.json")"
hostile: integer over 64 bits    | 400 | bad_json  | POST | /v1/rooms | '{"v":2,"opslimit":123456789012345678901234567890}'
hostile: real over the range     | 400 | bad_json  | POST | /v1/rooms | '{"v":2,"opslimit":1e400}'
hostile: opslimit a real         | 400 | bad_field | POST | /v1/rooms | "$(forge create r9 zed pw-nine --set opslimit=2.0)"
hostile: v as a huge integer     | 400 | bad_version | POST | /v1/rooms | "$(forge create r9 zed pw-nine --set v=9223372036854775807)"
hostile: multipart form body     | 400 | bad_json  | POST | /v1/rooms | | | -F x=1
hostile: text/plain, valid JSON  | 409 | room_exists | POST | /v1/rooms | "$(forge create r1 alice $PW)" | | -H 'Content-Type: text/plain'
hostile: bob's token, alice's job | 403 | not_admin | POST | /v1/rooms/r1/state | "$(forge state r1 alice 3 1 bob)" | $TB
hostile: a token in another room | 404 | no_room   | GET  | /v1/rooms/zz/members | | $TC
EOF

checks_done api-limits

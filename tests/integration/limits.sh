#!/usr/bin/env bash
# The relay's request limits (relay --help): per-address and per-member
# rates answer 429 busy with Retry-After and recover; wrong room passwords
# are throttled per room and per address, so guessing online is slow; and
# connections per address are capped.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
forge() { "$E2E_FORGE" "$@"; }

# N requests in a row; prints the status codes, one per line. The first
# 429's body and headers are kept in $T/busy.body and $T/busy.headers (the
# last request may be served again: the bucket refills as the burst runs).
burst() { # N METHOD PATH [BODY] [TOKEN]
	local n=$1
	shift
	for _ in $(seq "$n"); do
		curl_json "$@"
		echo "$STATUS"
		if [ "$STATUS" = 429 ] && [ ! -e "$T/busy.body" ]; then
			printf '%s' "$BODY" >"$T/busy.body"
			printf '%s' "$HEADERS" >"$T/busy.headers"
		fi
	done
}

# ---- per address ----
relay_start --rate-ip 5 --rate-member 0
burst 30 GET /v1/rooms/none >"$T/codes"
assert_contains "$(cat "$T/codes")" 404
assert_contains "$(cat "$T/codes")" 429
assert_contains "$(cat "$T/busy.body")" '"code":"busy"'
assert_contains "$(cat "$T/busy.body")" "too many requests from your address"
retry=$(grep -i '^retry-after:' "$T/busy.headers" | tr -dc 0-9)
[ "${retry:-0}" -ge 1 ] && [ "$retry" -le 2 ] || fail "Retry-After: '$retry'"
sleep "$retry"
curl_json GET /v1/rooms/none
assert_eq 404 "$STATUS" "served again after Retry-After"
relay_stop

# ---- per member ----
relay_start --rate-member 2 --rate-ip 0
curl_json POST /v1/rooms "$(forge create r1 alice pw-one)"
alice=$(json_get token)
curl_json POST /v1/rooms/r1/challenges
curl_json POST /v1/rooms/r1/members "$(forge join r1 bob pw-one "$(json_get nonce)")"
bob=$(json_get token)
curl_json POST /v1/rooms/r1/state "$(forge state r1 alice 2 1 bob)" "$alice"
assert_eq 200 "$STATUS" "bob admitted"
codes="" busy=""
for i in $(seq 1 10); do
	curl_json POST /v1/rooms/r1/messages "$(forge msg 1 "$i")" "$bob"
	codes+="$STATUS "
	[ "$STATUS" != 429 ] || busy=$BODY
done
assert_contains "$codes" 201
assert_contains "$codes" 429
assert_contains "$busy" "too many messages from this member"
curl_json POST /v1/rooms/r1/messages "$(forge msg 1 1)" "$alice"
assert_eq 201 "$STATUS" "alice is not limited by bob's rate"
curl_json GET /v1/rooms/r1/messages "" "$bob"
assert_eq 200 "$STATUS" "bob may still read"
# Exactly the posts answered 201 were stored (a refused post never is, and
# a stored one is never answered 429: limits apply once per request).
stored=$(json_len messages)
assert_eq "$(($(grep -o 201 <<<"$codes" | wc -l) + 1))" "$stored" "messages stored"
relay_stop

# ---- wrong room passwords ----
relay_start --join-failures 3 --rate-ip 0
curl_json POST /v1/rooms "$(forge create r2 alice right-pass)"
try_join() { # NAME PASSWORD: STATUS, BODY and HEADERS of the join
	curl_json POST /v1/rooms/r2/challenges
	curl_json POST /v1/rooms/r2/members "$(forge join r2 "$1" "$2" "$(json_get nonce)")"
}
for i in 1 2 3; do
	try_join "guess$i" wrong-pass
	assert_eq 403 "$STATUS" "wrong password $i"
done
try_join carol right-pass
assert_eq 429 "$STATUS" "a join after 3 wrong passwords"
assert_contains "$BODY" "too many wrong passwords"
grep -qi '^retry-after: [0-9]' <<<"$HEADERS" || fail "no Retry-After on the join refusal"
relay_stop

# ---- connections per address ----
relay_start --max-conns-per-ip 2 --rate-ip 0
curl_json POST /v1/rooms "$(forge create r3 alice pw-three)"
tok=$(json_get token)
# Two long-polls hold two connections; a third connection is turned away.
pids=()
for i in 1 2; do
	curl -s -o /dev/null -H "Authorization: Bearer $tok" \
		"$RELAY_URL/v1/rooms/r3/messages?after=999&wait=4" &
	pids+=($!)
done
sleep 0.5
rc=0
curl -s -o /dev/null -m 3 "$RELAY_URL/healthz" || rc=$?
[ "$rc" != 0 ] || fail "a third connection from the same address was served"
wait "${pids[@]}" # not the relay, also in the background
curl_json GET /healthz
assert_eq 200 "$STATUS" "served once the long-polls ended"
relay_stop

echo "limits: ok"

#!/usr/bin/env bash
# The relay's request limits (relay --help): per-address and per-member
# rates answer 429 busy with Retry-After and recover; wrong room passwords
# are throttled per room and per address, so guessing online is slow; and
# connections per address are capped.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
forge() { "$E2E_FORGE" "$@"; }

# A burst is sent by one curl process over one connection, so that its
# requests follow each other as fast as the relay answers: a limit of one
# request a second (burst 2) must refuse most of 20 such requests however
# slow the machine, unless the 20 take 18 s.

# ---- per address ----
relay_start --rate-ip 1 --rate-member 0
mkdir "$T/burst"
t0=$(date +%s%N)
curl -s -o "$T/burst/#1" -w '%{http_code} %header{retry-after}\n' \
	"$RELAY_URL/v1/rooms/none?i=[1-20]" >"$T/codes"
took_s=$((($(date +%s%N) - t0 + 999999999) / 1000000000)) # rounded up
assert_eq 20 "$(wc -l <"$T/codes")" "replies to the burst"
assert_contains "$(cut -d' ' -f1 "$T/codes")" 404 "the burst"
# the burst of 2, plus one a second for as long as the 20 took
served=$(grep -c '^404 ' "$T/codes")
[ "$served" -ge 2 ] && [ "$served" -le $((2 + took_s)) ] ||
	fail "$served of 20 served in ${took_s} s at 1 a second after a burst of 2"
first=$(grep -n '^429 ' "$T/codes" | head -n 1 | cut -d: -f1)
[ -n "$first" ] || fail "no 429 in the burst: $(tr '\n' ' ' <"$T/codes")"
busy=$(cat "$T/burst/$first")
assert_contains "$busy" '"code":"busy"'
assert_contains "$busy" "too many requests from your address"
retry=$(sed -n "${first}p" "$T/codes" | cut -d' ' -f2)
[ "${retry:-0}" -ge 1 ] && [ "$retry" -le 2 ] || fail "Retry-After: '$retry'"
sleep "$retry" # what a client is told to do; later is fine too
curl_json GET /v1/rooms/none
assert_eq 404 "$STATUS" "served again after Retry-After"
relay_stop

# ---- per member ----
relay_start --rate-member 1 --rate-ip 0
curl_json POST /v1/rooms "$(forge create r1 alice pw-one)"
alice=$(json_get token)
curl_json POST /v1/rooms/r1/challenges
curl_json POST /v1/rooms/r1/members "$(forge join r1 bob pw-one "$(json_get nonce)")"
bob=$(json_get token)
curl_json POST /v1/rooms/r1/state "$(forge state r1 alice 2 1 bob)" "$alice"
assert_eq 200 "$STATUS" "bob admitted"
# ten posts by bob, made first, then sent by one curl
args=()
for i in $(seq 1 10); do
	forge msg 1 "$i" >"$T/post$i.json"
	args+=(-s -o "$T/post$i.reply" -w '%{http_code}\n' -H "Authorization: Bearer $bob"
		--data-binary "@$T/post$i.json" "$RELAY_URL/v1/rooms/r1/messages" --next)
done
curl "${args[@]}" -s -o /dev/null "$RELAY_URL/healthz" >"$T/codes"
codes=$(head -n 10 "$T/codes" | tr '\n' ' ')
assert_contains "$codes" 201
assert_contains "$codes" 429
busy=$(cat "$T/post$(grep -n '^429' "$T/codes" | head -n 1 | cut -d: -f1).reply")
assert_contains "$busy" "too many messages from this member"
curl_json POST /v1/rooms/r1/messages "$(forge msg 1 11)" "$alice"
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
# Two idle connections (opened by bash itself, nothing sent) take the
# address's two places; a third is turned away; once the two close, the
# address is served again. One HTTP thread, so that connections are
# accepted in the order they were made.
relay_start --max-conns-per-ip 2 --rate-ip 0 --threads 1
exec {idle1}<>"/dev/tcp/127.0.0.1/$RELAY_PORT" || fail "first idle connection"
exec {idle2}<>"/dev/tcp/127.0.0.1/$RELAY_PORT" || fail "second idle connection"
rc=0
curl -s -o /dev/null -m 20 "$RELAY_URL/healthz" || rc=$?
[ "$rc" != 0 ] || fail "a third connection from the same address was served"
exec {idle1}>&- {idle2}>&-
served() { curl_json GET /healthz; [ "$STATUS" = 200 ]; }
eventually 60 served || fail "not served once the two idle connections closed: $STATUS"
relay_stop

echo "limits: ok"

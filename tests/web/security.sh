#!/usr/bin/env bash
# Issue 14: the local web server's rules, each with real curl against a
# real `e2e-chat web` (client/web/server.h, docs/SECURITY.md): a wrong
# Host is 421 (DNS rebinding), an API call without this launch's token
# (or with a wrong one) is 401, a foreign Origin is 403, every answer
# carries the CSP and the other headers, the page loads nothing external
# and has no inline script, and the server never binds anything but
# loopback.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"
. "$(dirname "$0")/lib.sh"

relay_start
web_start alice
base=$alice_web_base
port=$alice_web_port
token=$alice_web_token
[ -n "$port" ] || fail "no port in $alice_web_url"
check_eq 64 "${#token}" "the token's length (32 random bytes in hex)"

# code METHOD URL [CURL ARGS...]: the HTTP status; headers in $T/h
code() {
	local method=$1 url=$2
	shift 2
	curl -s -o "$T/b" -D "$T/h" -w '%{http_code}' -X "$method" "$@" "$url" || true
}

# --- Host: exactly 127.0.0.1:PORT or [::1]:PORT, else 421 ---
check_eq 200 "$(code GET "$base/")" "the page with the right Host"
for host in "evil.example:$port" "localhost:$port" "127.0.0.1:$((port + 1))" "127.0.0.1" \
	"evil.example" "127.0.0.1.evil.example:$port"; do
	check_eq 421 "$(code GET "$base/" -H "Host: $host")" "the page with Host $host"
	check_eq 421 "$(code POST "$base/api/state" -H "Host: $host" -H "X-E2E-Token: $token" \
		--data-binary '{}')" "an API call with the token and Host $host"
done
check_eq 421 "$(code GET "$base/api/events?after=0&wait=0" -H "Host: evil.example:$port" \
	-H "X-E2E-Token: $token")" "the event stream with a rebound Host"
check_contains "$(cat "$T/b")" '"error":"host"' "the 421's body"
# the same server over IPv6 loopback when the machine has it
if grep -q 'and \[::1\]' "$T/alice.web.err"; then
	check_eq 200 "$(code GET "http://[::1]:$port/" -g)" "the page on [::1]"
	check_eq 421 "$(code GET "http://[::1]:$port/" -g -H "Host: evil.example:$port")" \
		"the page on [::1] with a rebound Host"
else
	echo "note: no ::1 on this machine; served on 127.0.0.1 only"
fi

# --- the token: a header on every API call, else 401 ---
check_eq 401 "$(code POST "$base/api/state" --data-binary '{}')" "an API call without the token"
check_contains "$(cat "$T/b")" '"error":"token"' "the 401's body"
check_eq 401 "$(code POST "$base/api/state" -H "X-E2E-Token: ${token%?}0" \
	--data-binary '{}')" "an API call with a wrong token (last digit)"
check_eq 401 "$(code POST "$base/api/state" -H "X-E2E-Token: ${token:0:32}" \
	--data-binary '{}')" "an API call with half the token"
check_eq 401 "$(code POST "$base/api/state" -H "X-E2E-Token: ${token}0" \
	--data-binary '{}')" "an API call with the token and more"
check_eq 401 "$(code POST "$base/api/state" -H "Cookie: X-E2E-Token=$token" \
	--data-binary '{}')" "the token as a cookie"
check_eq 401 "$(code GET "$base/api/events?after=0&wait=0&X-E2E-Token=$token")" \
	"the event stream with the token in the query"
check_eq 401 "$(code POST "$base/api/join" --data-binary '{"room":"den","password":"correct horse"}')" \
	"joining without the token"
check_eq 200 "$(code POST "$base/api/state" -H "X-E2E-Token: $token" --data-binary '{}')" \
	"an API call with the token"
check_contains "$(cat "$T/b")" '"me":"alice"' "the state's body"
check_eq 200 "$(code GET "$base/api/events?after=0&wait=0" -H "X-E2E-Token: $token")" \
	"the event stream with the token"

# --- Origin: when present, this server's, else 403 ---
check_eq 403 "$(code POST "$base/api/state" -H "X-E2E-Token: $token" \
	-H "Origin: http://evil.example" --data-binary '{}')" "an API call from another origin"
check_eq 403 "$(code POST "$base/api/state" -H "X-E2E-Token: $token" \
	-H "Origin: null" --data-binary '{}')" "an API call from an opaque origin"
check_eq 403 "$(code GET "$base/" -H "Origin: http://localhost:$port")" \
	"the page from another origin"
check_eq 200 "$(code POST "$base/api/state" -H "X-E2E-Token: $token" \
	-H "Origin: http://127.0.0.1:$port" --data-binary '{}')" "an API call from this origin"

# --- the headers, on the page, the script, the API and an error ---
csp="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
for what in "GET $base/" "GET $base/app.js" "GET $base/app.css" "POST $base/api/state" \
	"GET $base/nothing-here"; do
	code $what -H "X-E2E-Token: $token" --data-binary '{}' >/dev/null
	[ "${what%% *}" = GET ] && code $what >/dev/null
	h=$(tr -d '\r' <"$T/h")
	check_contains "$h" "Content-Security-Policy: $csp" "CSP of $what"
	check_contains "$h" "X-Content-Type-Options: nosniff" "nosniff of $what"
	check_contains "$h" "Referrer-Policy: no-referrer" "Referrer-Policy of $what"
	check_contains "$h" "Cache-Control: no-store" "Cache-Control of $what"
	check_contains "$h" "X-Frame-Options: DENY" "X-Frame-Options of $what"
done
code GET "$base/app.js" >/dev/null
check_contains "$(tr -d '\r' <"$T/h")" "Content-Type: text/javascript" "the script's type"
code POST "$base/api/state" --data-binary '{}' >/dev/null
check_contains "$(tr -d '\r' <"$T/h")" "Content-Security-Policy: $csp" "CSP of a 401"

# --- the page itself: no inline script, no eval, nothing external ---
code GET "$base/" >/dev/null
page=$(cat "$T/b")
check_eq 1 "$(grep -c '<script' <<<"$page")" "one script element"
check_contains "$page" '<script src="/app.js" defer></script>' "the script comes from the server"
check_eq 0 "$(grep -ciE ' on[a-z]+=|javascript:|https?://|src="//|href="//' <<<"$page")" \
	"event-handler attributes or external addresses in the page"
code GET "$base/app.js" >/dev/null
check_eq 0 "$(grep -cE 'innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function|setTimeout\(["`]' "$T/b")" \
	"HTML insertion or eval in the script"
check_eq 0 "$(grep -cE 'https?://' "$T/b")" "external addresses in the script"

# --- bodies: capped, JSON objects only ---
head -c 70000 /dev/zero | tr '\0' 'a' >"$T/big"
check_eq 413 "$(code POST "$base/api/send" -H "X-E2E-Token: $token" --data-binary "@$T/big")" \
	"a body over 64 KiB"
check_eq 400 "$(code POST "$base/api/state" -H "X-E2E-Token: $token" --data-binary '[1]')" \
	"a body that is not an object"
check_eq 400 "$(code POST "$base/api/state" -H "X-E2E-Token: $token" --data-binary '{"x":1}')" \
	"an unknown field"
check_eq 404 "$(code POST "$base/api/nothing" -H "X-E2E-Token: $token" --data-binary '{}')" \
	"an unknown call"
check_eq 405 "$(code GET "$base/api/state" -H "X-E2E-Token: $token")" "a call with GET"

# --- loopback only: bound to 127.0.0.1 itself, and nothing else is bound ---
rc=0
curl -s -o /dev/null --max-time 5 "http://127.0.0.2:$port/" || rc=$?
check_eq 7 "$rc" "curl to 127.0.0.2 (another loopback address) at the port: refused"
for addr in 0.0.0.0 :: 192.0.2.1 localhost; do
	rc=0
	timeout 20 "$E2E_CLIENT" --relay "$RELAY_URL" --home "$T/alice" --name alice web --bind "$addr" \
		>"$T/bind.out" 2>"$T/bind.err" </dev/null || rc=$?
	check_eq 2 "$rc" "e2e-chat web --bind $addr: exit status"
	check_contains "$(cat "$T/bind.err")" "loopback only" "e2e-chat web --bind $addr: message"
	check_eq "" "$(cat "$T/bind.out")" "e2e-chat web --bind $addr printed no link"
done

web_stop alice

# --open hands the link, and only it, to xdg-open (a stand-in here)
mkdir -p "$T/bin"
printf '#!/bin/sh\nprintf "%%s\\n" "$*" >"%s/opened"\n' "$T" >"$T/bin/xdg-open"
chmod +x "$T/bin/xdg-open"
PATH="$T/bin:$PATH" web_start alice --open
opened() { [ -s "$T/opened" ]; }
eventually 30 opened || miss "--open never ran xdg-open"
check_eq "$alice_web_url" "$(cat "$T/opened" 2>/dev/null)" "what --open gave xdg-open"
web_stop alice
checks_done web_security

#!/usr/bin/env bash
# The web UI behind a hostile relay (tests/hostile/proxy.c): what the
# relay puts in a SECURITY: line (a key wrap with a field of its own
# making, named in the line) reaches the page as an event, as valid
# text (shown once in the page's band however often it is told), and
# neither the page's event nor the process's standard error
# carries a control character the relay chose (ESC could drive the
# terminal); and an admin's state the relay refuses is told to the page
# (the process goes on).
set -uo pipefail
. "$(dirname "$0")/../hostile/hostile.sh"
. "$(dirname "$0")/lib.sh"

hostile_start
room_of_two den
RELAY_URL=$PROXY_URL web_start bob
admitted() { web_call bob open '{"room":"den"}' && [[ $BODY == *'"admitted":true'* ]]; }
eventually 60 admitted || fail "bob's web never saw itself admitted: $BODY"
# a member's longest word (E2E_TEXT_MAX, 4096 bytes, no space to break at),
# for band.py to see in the page
long=$(head -c 4096 /dev/zero | tr '\0' 'w')
as alice send den "$long" || fail "alice's long word"
long_in_web() { web_events bob 0 && [[ $BODY == *"$long"* ]]; }
eventually 60 long_in_web || fail "bob's web never got the long word"

# The field's name: terminal escapes, then two-byte characters placed so
# that Jansson's error text (158 bytes: "1 object item(s) left unpacked:
# " and the name) ends inside one of them.
esc=$'\033'
e2=$(printf 'é%.0s' $(seq 1 90))
rules "GET /v1/rooms/den/wraps add-field x${esc}[2J${esc}]0;owned${esc}$e2 1"
as alice rotate den >/dev/null 2>&1 || fail "alice's rotate"
warned_web() { web_events bob 0 && [[ $BODY == *'"type":"security"'* ]]; }
eventually 60 warned_web || miss "bob's web never told the SECURITY: line of the malformed wrap: $BODY"
check_contains "$BODY" 'malformed key wrap ignored' "the security event's text"
# told again on every step: in a real browser the band shows it once,
# and the chat stays on the screen, the long word inside it (band.py)
if command -v chromium >/dev/null 2>&1; then
	rc=0
	T=$T BOB_URL=$bob_web_url HOME=$T timeout 200 python3 "$(dirname "$0")/band.py" || rc=$?
	check_eq 0 "$rc" "band.py: the SECURITY: band under a line told on every step"
else
	echo "note: chromium is not installed; the band in a browser is not checked"
fi
check_eq 0 "$(grep -ciF '\u001b' <<<"$BODY")" "ESC in the page's events"
honest
eventually 60 grep -q 'malformed key wrap ignored' "$T/bob.web.err" || miss "bob's stderr never had the line"
check_eq 0 "$(grep -c "$esc" "$T/bob.web.err")" "ESC on bob's web's standard error (the terminal)"

# The relay's error message quoted in the client's (relay.c: "relay:
# MESSAGE (CODE, HTTP N)", cut at 511 bytes inside a two-byte
# character): the API's error still says why, and the session's notice
# that the relay is away still reaches the page.
e1=$(printf 'é%.0s' $(seq 1 300))
garbage="{\"error\":{\"code\":\"unavailable\",\"message\":\"x$e1\"}}"
rules "GET /v1/rooms/den/members fake 503 $garbage"
web_call bob members '{"room":"den"}'
check_contains "$BODY" '"message":"relay: x' "the error of a call the relay refused ($STATUS)"
rules "GET /v1/rooms/den/messages fake 503 $garbage"
as alice send den "to make bob's web fetch" || fail "alice's send"
told() { web_events bob 0 && [[ $BODY == *'"detail":"relay: x'* ]]; }
eventually 60 told || miss "bob's web never told that the relay refused: $BODY"
honest

# An admin's web whose new state the relay refuses (a 500 it never
# stored): the page is told, the process goes on, and the admission is
# signed again once the relay takes it.
RELAY_URL=$PROXY_URL web_start alice
web_call alice open '{"room":"den"}'
rules 'POST /v1/rooms/den/state fake 500 {"error":{"code":"internal","message":"no"}}'
as carol join den --no-wait </dev/null >/dev/null 2>&1 || true
refused() { web_events alice 0 && [[ $BODY == *'"notice":"admin_failed"'* ]]; }
eventually 60 refused || miss "alice's web never told that her state did not take: $BODY"
kill -0 "$alice_web_pid" 2>/dev/null && pass || miss "alice's web died on the refused state"
honest
carol_in() { web_call alice members '{"room":"den"}' && [[ $BODY == *'"name":"carol","status":"admitted"'* ]]; }
eventually 60 carol_in || miss "carol never admitted once the relay took the state: $BODY"
web_stop alice
web_stop bob
hostile_done web_hostile

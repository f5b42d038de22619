#!/usr/bin/env bash
# Issue 11, defect 7 (continued; fixed): every read is bounded. A relay that
# answers every page of messages with another full page cannot keep
# `read`, or the creator's `admit` (which holds the room's lock), going
# for ever: each gives up, saying so in one line.
set -uo pipefail
. "$(dirname "$0")/../hostile/hostile.sh"

hostile_start
room_of_two den
as bob send den "a message to copy" || fail "bob's send"
rules "GET /v1/rooms/den/messages endless"
for verb in read admit; do
	rc=0
	E2E_CHAT_PASSWORD=$PASSWORD timeout 30 "$E2E_CLIENT" --relay "$PROXY_URL" --home "$T/alice" \
		--name alice "$verb" den >/dev/null 2>"$T/$verb.err" </dev/null || rc=$?
	[ "$rc" != 124 ] || defect "alice's $verb was still reading endless pages after 30 s"
	[ "$rc" != 0 ] || defect "alice's $verb took endless pages for a room's history"
	[ "$(grep -vc 'SECURITY:' "$T/$verb.err")" -le 1 ] ||
		defect "alice's $verb said more than one line: $(grep -v 'SECURITY:' "$T/$verb.err" | head -n 3)"
done
honest
hostile_stop
defect_gone endless_pages

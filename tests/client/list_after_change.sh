#!/usr/bin/env bash
# Issue 11, defect 4 (fixed): after an ordinary admission or removal, a member's
# `members` and a chat's /list raise no SECURITY: line (the relay's list
# and the signed state must be compared at the same moment, the state
# brought up to date first).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"

relay_start
room_of_two den
as_tty bob den
eventually 60 shows bob "keeps joined history" || fail "bob's chat never started"
as carol join den --no-wait </dev/null 2>/dev/null || true
as alice admit den >/dev/null 2>&1 || fail "alice could not admit carol"
lists() { [ "$(grep -c $'^bob\t.*\tyou' "$T/bob.out")" -ge "$1" ]; } # N /list answered
say bob /list
eventually 30 lists 1 || fail "bob's /list never answered: $(cat "$T/bob.out")"
! grep -q 'SECURITY:' "$T/bob.out" ||
	defect "/list after an admission: $(grep 'SECURITY:' "$T/bob.out")"
warnings=$(grep -c 'SECURITY:' "$T/bob.out")
as alice kick den carol >/dev/null 2>&1 || fail "alice could not kick carol"
say bob /list
eventually 30 lists 2 || fail "bob's second /list never answered: $(cat "$T/bob.out")"
[ "$(grep -c 'SECURITY:' "$T/bob.out")" = "$warnings" ] ||
	defect "/list after a removal: $(grep 'SECURITY:' "$T/bob.out" | tail -n 1)"
as bob members den >"$T/members.out" 2>"$T/members.err" || fail "bob's members: $(cat "$T/members.err")"
! grep -q 'SECURITY:' "$T/members.err" ||
	defect "members after a removal: $(grep 'SECURITY:' "$T/members.err")"
say bob /quit
defect_gone list_after_change

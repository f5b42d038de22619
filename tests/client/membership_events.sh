#!/usr/bin/env bash
# Issue 11, defect 10: every member sees membership events from the
# signed state (* carol joined, * carol was removed, * new epoch N), not
# only the creator; a removed member's chat says so within one long-poll
# and exits with its code. (The bounds, 90 s, are three long-polls: a
# chat's long-poll wakes on messages, not on membership changes.)
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"

relay_start
room_of_two den
as_tty bob den
eventually 60 shows bob "keeps joined history" || fail "bob's chat never started"
as carol join den --no-wait </dev/null 2>/dev/null || true
as alice admit den >/dev/null 2>&1 || fail "alice could not admit carol"
as_tty carol den
eventually 60 shows carol "keeps joined history" || fail "carol's chat never started"
alive() { kill -0 "$bob_pid" 2>/dev/null || fail "harness: bob's chat ended: $(cat "$T/bob.out")"; }
eventually 90 shows bob "carol joined" ||
	{ alive; defect "bob's chat never said that carol joined: $(cat "$T/bob.out")"; }
as alice kick den carol >/dev/null 2>&1 || fail "alice could not kick carol"
eventually 90 shows bob "carol was removed" ||
	{ alive; defect "bob's chat never said that carol was removed: $(cat "$T/bob.out")"; }
eventually 90 shows bob "new epoch" || { alive; defect "bob's chat never told the new epoch"; }
gone() { ! kill -0 "$carol_pid" 2>/dev/null; }
eventually 90 gone || defect "carol's chat did not notice her removal: $(cat "$T/carol.out")"
shows carol "removed" || defect "carol's chat ended without saying she was removed: $(cat "$T/carol.out")"
say bob /quit
defect_gone membership_events

#!/usr/bin/env bash
# Issue 11, defect 9: a profile copied to another machine. The copy's
# messages do not wedge the original (no "counter_reused" jargon; its
# next message arrives). (Relay URLs: relay_url.sh; locks: failed_join.sh.)
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"

relay_start
room_of_two den
as bob send den "from bob" || fail "bob's first send"

# bob's profile copied; the copy sends first, then the original
cp -a "$T/bob" "$T/bob-copy"
"$E2E_CLIENT" --relay "$RELAY_URL" --home "$T/bob-copy" --name bob send den "from the copy" ||
	fail "the copy's send"
rc=0
as bob send den "from the original" 2>"$T/orig.err" || rc=$?
! grep -q counter_reused "$T/orig.err" || defect "the original's send: $(cat "$T/orig.err")"
[ "$rc" = 0 ] || as bob send den "from the original" 2>>"$T/orig.err" ||
	defect "the original cannot send after its copy did: $(cat "$T/orig.err")"
eventually 30 reads alice den "from the original" || defect "the original's message never arrived"
defect_gone profile_copy

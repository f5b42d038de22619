#!/usr/bin/env bash
# Issue 11, defect 6: a relay that stores a post but answers 409 must not
# make the client send another text under the same counter (two members
# could be shown two texts for one message). The post is sent again as it
# was, or read back; what the user sends next arrives.
set -uo pipefail
. "$(dirname "$0")/../hostile/hostile.sh"

hostile_start
room_of_two den
rules "POST /v1/rooms/den/messages status 409"
run_as bob first send den "the first text"
honest
run_as bob second send den "the second text"
run_as alice read read den
grep -qF "the first text" "$T/read.out" || fail "the first text was not stored: $(cat "$T/read.out")"
grep -qF "the second text" "$T/read.out" ||
	defect "bob's next message never arrived after the lying 409: $(cat "$T/second.err")"
! grep -q 'SECURITY:' "$T/read.err" || defect "alice was warned: $(cat "$T/read.err")"
[ "$(q "SELECT count(*) FROM messages WHERE sender = 'bob'")" = 2 ] ||
	defect "bob's messages on the relay: $(q "SELECT counter FROM messages WHERE sender = 'bob'")"
hostile_stop
defect_gone post_409

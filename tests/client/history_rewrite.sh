#!/usr/bin/env bash
# Issue 11, defect 8: history already shown is kept; when the relay serves
# it again changed (two messages swapped), the client says so with a
# SECURITY: line and shows what it had stored.
set -uo pipefail
. "$(dirname "$0")/../hostile/hostile.sh"

hostile_start
room_of_two den
as alice send den "first from alice" || fail "alice's send"
as bob send den "second from bob" || fail "bob's send"
run_as alice before read den
grep -qF "second from bob" "$T/before.out" || fail "alice's first read: $(cat "$T/before.out")"
rules "GET /v1/rooms/den/messages swap 0 1"
run_as alice swapped read den
grep -q 'SECURITY:' "$T/swapped.err" ||
	defect "history served again with two messages swapped, and no warning: $(cat "$T/swapped.out")"
[ "$(cat "$T/swapped.out")" = "$(cat "$T/before.out")" ] ||
	defect "the history shown changed: $(cat "$T/swapped.out")"
hostile_stop
defect_gone history_rewrite

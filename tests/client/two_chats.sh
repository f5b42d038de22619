#!/usr/bin/env bash
# Issue 11, defect 2: two chats of one profile each show every message
# (today they split the incoming messages between them).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"

relay_start
room_of_two den
as_tty bob den bob1
as_tty bob den bob2
eventually 60 shows bob1 "keeps joined history" || fail "bob's first chat never started"
eventually 60 shows bob2 "keeps joined history" || fail "bob's second chat never started"
for i in 1 2 3 4 5 6; do
	as alice send den "message $i" || fail "alice's send $i"
done
both() { shows bob1 "message 6" && shows bob2 "message 6"; }
eventually 60 both
for tag in bob1 bob2; do
	pid_var=${tag}_pid
	kill -0 "${!pid_var}" 2>/dev/null || fail "harness: $tag's chat ended: $(cat "$T/$tag.out")"
done
for i in 1 2 3 4 5 6; do
	for tag in bob1 bob2; do
		shows "$tag" "message $i" || defect "$tag did not show message $i (of 6)"
	done
done
say bob1 /quit
say bob2 /quit
defect_gone two_chats

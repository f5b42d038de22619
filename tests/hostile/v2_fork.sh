#!/usr/bin/env bash
# Protocol v2, a forked history (issue 12, items 2 and 6): the relay keeps
# two admins' states of one revision and shows each to some members. bob
# (an admin) kicks dave and sees his state served; the relay then drops
# it and lets alice, who never saw it, sign two revisions on top of the
# state before. bob's walk is served alice's second one: signed by an
# admin of the state bob holds, with the next revision, but it was not
# made from bob's state (dave is back, his removal gone from `former`).
# bob's client refuses it, and dave stays removed in bob's view.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 hall
as alice admin hall bob >/dev/null 2>&1 || fail "alice could not name bob an admin"
as dave join hall --no-wait </dev/null 2>/dev/null || true
as alice admit hall >/dev/null 2>&1
rid=$(q "SELECT id FROM rooms WHERE name = 'hall'")
base=$(q "SELECT max(revision) FROM states WHERE room_id = $rid")
run_as bob kick kick hall dave
status_is 0 kick
kicked_epoch=$(q "SELECT max(epoch) FROM states WHERE room_id = $rid")

# The relay forgets bob's state (and that dave was removed); alice signs
# two revisions on top of the state before it.
sql "DELETE FROM states WHERE room_id = $rid AND revision > $base;
     DELETE FROM wraps WHERE room_id = $rid AND epoch >= $kicked_epoch;
     UPDATE members SET removed_at = NULL WHERE room_id = $rid AND name = 'dave'"
as alice rotate hall >/dev/null 2>&1 || fail "alice's first rotation"
as alice rotate hall >/dev/null 2>&1 || fail "alice's second rotation"
[ "$(q "SELECT max(revision) FROM states WHERE room_id = $rid")" -eq $((base + 2)) ] ||
	fail "alice's rotations are not revisions $((base + 1)) and $((base + 2))"

run_as bob walk read hall
warned walk "it was not made from the room state you hold"
run_as bob members members hall
grep -q "^dave	admitted" "$T/members.out" &&
	miss "bob's removal of dave came undone: $(cat "$T/members.out")" || pass
relay_serves
hostile_done v2_fork

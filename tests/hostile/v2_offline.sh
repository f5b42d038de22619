#!/usr/bin/env bash
# Protocol v2, a member offline across many revisions (issue 12, items 5
# and 6), on an honest relay: while carol is away alice rotates more
# times than one page of GET .../states holds (E2E_STATES_READ_MAX, 64).
# carol walks every revision, reads and is read, with no SECURITY: line
# anywhere (no false alarm in honest use).
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 loft
as carol send loft "carol before" >/dev/null
start=$(q "SELECT max(revision) FROM states")
for i in $(seq 70); do
	as alice rotate loft >/dev/null 2>&1 || fail "rotation $i failed"
done
[ "$(q "SELECT max(revision) FROM states")" -ge $((start + 70)) ] || fail "fewer than 70 new revisions"
as bob send loft "bob after many revisions" >/dev/null
run_as carol back read loft
status_is 0 back
shown back "bob after many revisions"
not_warned back
run_as carol said send loft "carol after many revisions"
status_is 0 said
run_as bob bobread read loft
shown bobread "carol after many revisions"
not_warned bobread
run_as alice aliceread read loft
shown aliceread "carol after many revisions"
not_warned aliceread
relay_serves
hostile_done v2_offline

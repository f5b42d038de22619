#!/usr/bin/env bash
# A member leaves: its membership ends on the relay and locally, the
# creator's running client starts a new epoch without it, and the others
# carry on. The creator, the only admin, cannot leave before naming
# another admin.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/client.sh"

relay_start
as_bg alice hall
eventually 60 as alice members hall >/dev/null || fail "alice never created the room"
echo "bob is here" | as bob join hall --interval 100 2>/dev/null
echo "carol is here" | as carol join hall --interval 100 2>/dev/null
eventually 60 reads bob hall "carol is here" || fail "bob cannot read carol"

epoch_before=$(as carol read hall --json | tail -1 | sed 's/.*"epoch":\([0-9]*\).*/\1/')
assert_eq "left hall" "$(as bob leave hall)" "leave output"
[ -z "$(find "$T/bob/rooms" -name hall.json)" ] || fail "bob's room file is still there"
rc=0
as bob read hall 2>/dev/null || rc=$?
assert_eq 5 "$rc" "read after leaving"

# alice's running client notices and rotates on its own.
eventually 60 grep -q "bob left or was removed" "$T/alice.err" ||
	fail "the creator's client did not notice bob leaving"
# noticed, then rotated: carol must send after the new epoch exists
eventually 60 grep -q "epoch $((epoch_before + 1)) began" "$T/alice.err" ||
	fail "the creator's client did not start epoch $((epoch_before + 1)): $(cat "$T/alice.err")"
as carol send hall "after bob left"
eventually 60 reads alice hall "after bob left" || fail "alice cannot read carol"
epoch_after=$(as carol read hall --json | tail -1 | sed 's/.*"epoch":\([0-9]*\).*/\1/')
[ "$epoch_after" -gt "$epoch_before" ] || fail "no new epoch after bob left ($epoch_after)"

rc=0
as alice leave hall 2>"$T/leave.err" || rc=$?
assert_eq 2 "$rc" "the creator leaving"
assert_contains "$(cat "$T/leave.err")" "you are the only admin of room"

hang_up alice
relay_stop
echo "leave: ok"

#!/usr/bin/env bash
# New epochs on demand and on the creator's schedule (by message count and
# by time). Members keep every epoch key they were given, so the history
# stays readable across rotations and restarts; new messages always use
# the newest epoch.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/client.sh"

epoch_of() { # USER ROOM TEXT: the epoch of the message with TEXT
	as "$1" read "$2" --json | grep -F "\"text\":\"$3\"" | sed 's/.*"epoch":\([0-9]*\).*/\1/'
}

relay_start
as alice join deck --rotate-messages 3 </dev/null 2>/dev/null
as bob join deck --no-wait </dev/null 2>/dev/null || true
as alice admit deck >/dev/null 2>&1
as bob send deck "m1"
e1=$(epoch_of bob deck m1)

# On demand: one rotation, and the next message uses the new epoch.
assert_eq "deck: epoch $((e1 + 1))" "$(as alice rotate deck)" "rotate output"
as bob send deck "m2"
assert_eq "$((e1 + 1))" "$(epoch_of alice deck m2)" "epoch after /rotate"
rc=0
as bob rotate deck 2>/dev/null || rc=$?
assert_eq 2 "$rc" "rotate by a member"

# By count: the creator's client rotates once it has seen 3 messages.
as bob send deck "m3"
as bob send deck "m4"
as alice admit deck >/dev/null 2>&1   # a creator step: reads, counts, rotates
as bob send deck "m5"
assert_eq "$((e1 + 2))" "$(epoch_of alice deck m5)" "epoch after 3 messages"

# By time: none while the schedule is far off; then, at 1 second, a
# creator step once a second has passed rotates. How many steps pass
# before that depends on the machine's speed, so this polls, bounded:
# each round is one creator step and one message, whose epoch tells.
as alice admit deck --rotate-seconds 3600 --rotate-messages 0 >/dev/null 2>&1
as bob send deck "m6"
assert_eq "$((e1 + 2))" "$(epoch_of alice deck m6)" "no rotation an hour early"
as alice admit deck --rotate-seconds 1 >/dev/null 2>&1
n=0
rotated() {
	n=$((n + 1))
	as alice admit deck >/dev/null 2>&1
	as bob send deck "t$n"
	[ "$(epoch_of alice deck "t$n")" -gt "$((e1 + 2))" ]
}
eventually 120 rotated || fail "no rotation by time within 120 s"

# Everything stays readable for both, after a relay restart too.
port=$RELAY_PORT
relay_stop
relay_start --port "$port"
for who in alice bob; do
	as "$who" read deck >"$T/$who.read" 2>"$T/$who.warn"
	for m in m1 m2 m3 m4 m5 m6 "t$n"; do
		grep -q ": $m\$" "$T/$who.read" || fail "$who lost $m after rotations"
	done
	[ ! -s "$T/$who.warn" ] || fail "$who warned: $(cat "$T/$who.warn")"
done

relay_stop
echo "rotation: ok"

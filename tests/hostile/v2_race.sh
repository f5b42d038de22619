#!/usr/bin/env bash
# Protocol v2, two admins acting at once (issue 12, item 5): bob's running
# chat admits dave, but alice's state came first (the proxy answers bob's
# posts 409 stale_revision, as the relay does to the second of two admins
# signing the same revision). The epoch key bob's client made for the
# state that did not take must not stand in for the one alice wrapped:
# after the walk to alice's state, bob reads alice and the others read bob.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 hall
as alice admin hall bob >/dev/null 2>&1 || fail "alice could not name bob an admin"
rules 'POST /v1/rooms/hall/state fake 409 {"error":{"code":"stale_revision","message":"the state revision is not the next one"}}'
as_bg bob hall
as dave join hall --no-wait </dev/null 2>/dev/null || true
eventually 60 grep -q "POST /v1/rooms/hall/state -> " "$T/proxy.log" ||
	fail "bob's chat did not try to admit dave: $(cat "$T/bob.err")"
hang_up bob
honest
run_as alice admit admit hall
status_is 0 admit
shown admit "admitted dave"

as alice send hall "alice after the race"
run_as bob bobread read hall
shown bobread "alice after the race"
not_warned bobread
as bob send hall "bob after the race"
eventually 60 reads carol hall "bob after the race" && pass ||
	miss "carol cannot read bob after the race: $(as carol read hall 2>&1)"
eventually 60 reads dave hall "bob after the race" && pass ||
	miss "dave cannot read bob after the race: $(as dave read hall 2>&1)"
relay_serves
hostile_done v2_race

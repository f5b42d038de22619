#!/usr/bin/env bash
# Case 5: after a rotation, the relay serves an older epoch's wrap (its
# epoch relabelled as the new one) or the older room state again. Both
# refused (rollback); the member keeps the newest state and sends under
# the newest epoch.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 yard
as bob read yard >/dev/null 2>&1
bob_token=$(grep -o '"token":"[^"]*"' "$(find "$T/bob/rooms" -name yard.json)" | cut -d'"' -f4)
# What the relay served before the rotation, fetched as bob.
curl_json GET /v1/rooms/yard/state "" "$bob_token"
old_state=$BODY
curl_json GET /v1/rooms/yard/wraps "" "$bob_token"
old_wraps=$BODY
old_epoch=$(q "SELECT max(epoch) FROM states")

as alice rotate yard >/dev/null
new_epoch=$(q "SELECT max(epoch) FROM states")
[ "$new_epoch" -gt "$old_epoch" ] || fail "no new epoch after rotate"
as alice send yard "in the new epoch"

# bob's old wraps, every one relabelled as the new epoch.
rules "GET /v1/rooms/yard/wraps body ${old_wraps//\"epoch\":[0-9]/\"epoch\":$new_epoch}"
run_as bob oldwrap read yard
status_is 3 oldwrap
warned oldwrap "the key wrap for epoch $new_epoch is not from an admin or was altered"
not_shown oldwrap "in the new epoch"

# bob takes the new state and key, then is served the old state again.
honest
run_as bob honest read yard
shown honest "alice: in the new epoch"
rules "GET /v1/rooms/yard/states body {\"states\":[$old_state]}"
run_as bob rollback read yard
status_is 0 rollback
warned rollback "ignoring the room state the relay sent: it is older than the state already accepted (rollback)"
shown rollback "alice: in the new epoch"
run_as bob send send yard "bob after the rollback"
status_is 0 send
honest
as alice read yard --json >"$T/alice.json"
grep -F '"text":"bob after the rollback"' "$T/alice.json" | grep -qF "\"epoch\":$new_epoch," ||
	miss "bob did not send under the newest epoch $new_epoch: $(cat "$T/alice.json")"
relay_serves
hostile_done case05_rollback

#!/usr/bin/env bash
# Issue 11, defect 3: a line typed while the relay is away is queued, the
# chat keeps running, and the line is sent once the relay is back; no
# member (the sender included) is told that a message is missing.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"

relay_start
port=$RELAY_PORT
room_of_two den
as_bg bob den
as bob send den "before the outage" || fail "bob's first send"
relay_stop
say bob "typed while the relay was away"
relay_start --port "$port"
eventually 30 reads alice den "typed while the relay was away" ||
	defect "the line typed during the outage never arrived (bob's chat: $(tail -n 3 "$T/bob.err"))"
kill -0 "$bob_pid" 2>/dev/null || defect "bob's chat ended during the outage: $(tail -n 3 "$T/bob.err")"
as bob send den "after the outage" || fail "bob's send after the outage"
for who in alice bob; do
	as "$who" read den >/dev/null 2>"$T/$who.read.err" || fail "$who's read"
	! grep -q 'SECURITY:' "$T/$who.read.err" ||
		defect "$who was warned falsely: $(grep 'SECURITY:' "$T/$who.read.err")"
done
hang_up bob
defect_gone offline_line

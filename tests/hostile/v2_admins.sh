#!/usr/bin/env bash
# Protocol v2, admins (issue 12, item 5), on an honest relay and then a
# lying one: alice names bob an admin; with alice away, bob's client
# admits, kicks and rotates; alice hands the room over and leaves. A
# member that is served a state out of order (the promotion withheld)
# refuses it until the chain is whole; a state signed by a member who is
# no admin is refused.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 hall
run_as alice promote admin hall bob
status_is 0 promote
shown promote "bob is now an admin of hall"
carol_revision=$(q "SELECT max(revision) FROM states")

# carol, who holds the state before the promotion, is served the next
# admin's state without the one that made bob an admin: not accepted.
as dave join hall --no-wait </dev/null 2>/dev/null || true
bob_token=$(grep -o '"token":"[^"]*"' "$(find "$T/bob/rooms" -name hall.json)" | cut -d'"' -f4)
run_as bob admit admit hall dave
status_is 0 admit
shown admit "admitted dave"
curl_json GET /v1/rooms/hall/state "" "$bob_token"
rules "GET /v1/rooms/hall/states body {\"states\":[$BODY]}"
run_as carol skipped read hall
warned skipped "it does not follow the state already accepted"
honest
run_as carol whole members hall
grep -q "^dave	admitted" "$T/whole.out" && pass || miss "carol does not see dave admitted: $(cat "$T/whole.out")"
grep -q "^bob	admitted	.*admin" "$T/whole.out" && pass || miss "carol does not see bob as admin: $(cat "$T/whole.out")"

# bob (an admin) kicks and rotates; alice's client is not running.
run_as bob kick kick hall dave
status_is 0 kick
shown kick "removed dave from hall"
run_as bob rotate rotate hall
status_is 0 rotate

# A non-admin cannot: the relay refuses, and so does carol's own client.
run_as carol nokick kick hall bob
status_is 2 nokick

# alice hands over: she leaves, and bob's client signs her out.
run_as alice bye leave hall
status_is 0 bye
run_as bob after admit hall
status_is 0 after
run_as bob members2 members hall
grep -q "^alice" "$T/members2.out" && grep -q "^alice	admitted" "$T/members2.out" &&
	miss "alice still in the room after she left: $(cat "$T/members2.out")" || pass
as bob send hall "bob runs the hall now"
eventually 60 grep -q "bob runs the hall now" <(as carol read hall 2>/dev/null) && pass ||
	miss "carol does not read bob after the handover"

# bob, the last admin, may not leave before naming another.
run_as bob last leave hall
status_is 2 last
grep -q "only admin" "$T/last.err" && pass || miss "no word on the last admin: $(cat "$T/last.err")"
relay_serves
hostile_done v2_admins

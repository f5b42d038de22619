#!/usr/bin/env bash
# Protocol v2, removal is the admin's own act (issue 12, item 2): the
# relay answers the kick's new state with 200 and stores nothing. The
# kick says it did not take, the admin's client sends nothing under the
# epoch the kicked member holds, and the next step (the relay honest
# again) signs the removal after all: dave never gets a key of a later
# epoch, and nothing sent after the others saw the removal opens with
# his keys.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 yard
as dave join yard --no-wait </dev/null 2>/dev/null || true
as alice admit yard >/dev/null 2>&1
as dave send yard "dave was here"
epoch_before=$(q "SELECT max(epoch) FROM states")

# The relay says yes to the new state and keeps the old one.
rules 'POST /v1/rooms/yard/state fake 200 {"revision":99}'
run_as alice kick kick yard dave
[ "$RC" -ne 0 ] && pass || miss "kick said it removed dave while the relay stored nothing: $(cat "$T/kick.out")"
not_shown kick "removed dave"
grep -q "does not serve" "$T/kick.err" && pass ||
	miss "kick did not say the relay does not serve the new state: $(cat "$T/kick.err")"
check_eq "$epoch_before" "$(q "SELECT max(epoch) FROM states")" "the relay's epoch (nothing stored)"
# alice seals nothing under the epoch dave holds while her removal waits.
run_as alice held send yard "alice while the kick waits"
[ "$RC" -ne 0 ] && pass || miss "alice sent under dave's epoch while her removal of him waited"
grep -q "removal of dave has not reached the relay" "$T/held.err" && pass ||
	miss "alice was not told why nothing is sent: $(cat "$T/held.err")"

# The relay honest again: alice's next step signs the removal.
honest
run_as alice admit admit yard
status_is 0 admit
epoch_after=$(q "SELECT max(epoch) FROM states")
[ "$epoch_after" -gt "$epoch_before" ] && pass || miss "no new epoch after the removal"
check_eq 0 "$(q "SELECT count(*) FROM wraps WHERE member = 'dave' AND epoch >= $epoch_after")" \
	"wraps for dave at the new epoch"
run_as dave gone send yard "dave after the kick"
status_is 5 gone
as bob send yard "bob after the kick"
as alice send yard "alice after the kick"

# dave's own keys, tried on every ciphertext of the room (read with bob's token).
bob_token=$(grep -o '"token":"[^"]*"' "$(find "$T/bob/rooms" -name yard.json)" | cut -d'"' -f4)
curl_json GET "/v1/rooms/yard/messages?after=0" "" "$bob_token"
printf '%s' "$BODY" | "$E2E_TRYOPEN" "$(find "$T/dave/rooms" -name yard.json)" yard >"$T/dave.opened"
check_contains "$(cat "$T/dave.opened")" '"text":"dave was here"' "dave opens his own message (the tool works)"
grep -q "after the kick" "$T/dave.opened" && miss "dave's keys open a message sent after his removal" || pass

# The kick banned dave's keys: the same identity under another name is
# not admitted, and the members list says so.
copy_identity dave dave2
as dave2 join yard --no-wait </dev/null >/dev/null 2>&1 || true
run_as alice admit2 admit yard
not_shown admit2 "admitted dave2"
grep -q "dave2 .*is banned" "$T/admit2.err" && pass || miss "no word of the ban: $(cat "$T/admit2.err")"
run_as alice members members yard
grep -q "^dave2	banned" "$T/members.out" && pass || miss "dave2 not listed as banned: $(cat "$T/members.out")"
relay_serves
hostile_done v2_kick

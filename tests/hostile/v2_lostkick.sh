#!/usr/bin/env bash
# Protocol v2, a removal whose answer is lost (issue 12, items 2 and 3):
# the relay stores alice's kick of dave but answers 500. kick says it
# did not take; alice's next run walks to her own signed removal. The
# removal is then done: her client must not keep it as pending, which
# would refuse dave's next identity under his name for ever (he is not
# banned: a new identity) and hold her messages once another admin
# admits it.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 yard
as alice admin yard bob >/dev/null 2>&1 || fail "alice could not name bob an admin"
as dave join yard --no-wait </dev/null 2>/dev/null || true
as alice admit yard >/dev/null 2>&1

rules 'POST /v1/rooms/yard/state status 500'
run_as alice kick kick yard dave
[ "$RC" -ne 0 ] && pass || miss "kick said it removed dave on a 500: $(cat "$T/kick.out")"
honest
check_eq 1 "$(q "SELECT m.removed_at IS NOT NULL FROM members m JOIN rooms r ON r.id = m.room_id WHERE r.name = 'yard' AND m.name = 'dave'")" \
	"dave on the relay (the state was stored)"
run_as alice walk read yard
status_is 0 walk
not_warned walk

# dave comes back with a new identity under his name: admissible.
E2E_CHAT_PASSWORD=$PASSWORD "$E2E_CLIENT" --relay "$PROXY_URL" --home "$T/dave2" --name dave \
	join yard --no-wait </dev/null >/dev/null 2>&1 || true
run_as alice back admit yard
status_is 0 back
shown back "admitted dave"
# (if not, bob, another admin, admits him: alice's messages must not wait)
grep -q "admitted dave" "$T/back.out" || as bob admit yard >/dev/null 2>&1 || true
run_as alice said send yard "alice once dave is back"
status_is 0 said
not_shown said "has not reached the relay"
relay_serves
hostile_done v2_lostkick

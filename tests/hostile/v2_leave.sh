#!/usr/bin/env bash
# Protocol v2, a leave ends only the membership that signed it (issue 12,
# item 7): bob leaves and comes back under the same name (a new device:
# new keys). erin, admitted
# later to this "shared" room and made an admin, reads the whole history,
# bob's old signed leave included: her client must not take it to end
# bob's new membership.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
as alice join porch --history shared </dev/null 2>/dev/null
for who in bob carol; do
	as "$who" join porch --no-wait </dev/null 2>/dev/null || true
	as alice admit porch >/dev/null 2>&1
done
as bob leave porch >/dev/null 2>&1
as alice admit porch >/dev/null 2>&1          # signs bob out (his signed leave)
# bob again under the same name, a new identity (a new device): a new membership
E2E_CHAT_PASSWORD=$PASSWORD "$E2E_CLIENT" --relay "$PROXY_URL" --home "$T/bob2" --name bob \
	join porch --no-wait </dev/null >/dev/null 2>&1 || true
as alice admit porch >/dev/null 2>&1
E2E_CHAT_PASSWORD=$PASSWORD "$E2E_CLIENT" --relay "$PROXY_URL" --home "$T/bob2" --name bob \
	send porch "bob is back"
as erin join porch --no-wait </dev/null 2>/dev/null || true
as alice admit porch >/dev/null 2>&1
as alice admin porch erin >/dev/null

run_as erin step admit porch
status_is 0 step
run_as erin history read porch
shown history "bob is back"
run_as erin members members porch
grep -q "^bob	admitted" "$T/members.out" && pass ||
	miss "bob's old leave ended his new membership: $(cat "$T/members.out")"
relay_serves
hostile_done v2_leave

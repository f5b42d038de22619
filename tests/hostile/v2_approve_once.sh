#!/usr/bin/env bash
# Protocol v2, an approval admits once (issue 12, item 3): alice's running
# chat approves erin and admits her. erin is then removed by a kick the
# chat did not make (alice's `kick` in another process; another admin's
# would be the same). Another identity under the name erin asks: the
# chat asks again, with its fingerprint, instead of admitting it on the
# approval of the first. An approval not used yet ends with a /deny.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
as alice join gate --approve </dev/null 2>/dev/null
as erin join gate --no-wait </dev/null 2>/dev/null || true
as_bg alice gate
eventually 60 grep -q "erin asks to join gate" "$T/alice.err" || fail "the chat does not ask about erin"
say alice "/approve erin"
eventually 60 grep -q "admitted erin to gate" "$T/alice.err" || fail "/approve did not admit erin"
run_as alice kick kick gate erin
status_is 0 kick

# A new identity under the name erin.
E2E_CHAT_PASSWORD=$PASSWORD "$E2E_CLIENT" --relay "$PROXY_URL" --home "$T/erin2" --name erin \
	join gate --no-wait </dev/null >"$T/erin2.log" 2>&1 || true
# (a line of alice's wakes the chat's long-poll: a join does not)
say alice "who else is there"
asked_twice() { [ "$(grep -c "erin asks to join gate" "$T/alice.err")" -ge 2 ]; }
eventually 60 asked_twice && pass ||
	miss "the chat did not ask about the new erin: $(cat "$T/alice.err" "$T/erin2.log")"
check_eq 1 "$(grep -c "admitted erin to gate" "$T/alice.err")" "admissions of erin"

# An approval not used yet ends with a /deny of the name: fay, approved
# before she asked and then denied, is asked about when she does.
say alice "/approve fay"
say alice "/deny fay"
as fay join gate --no-wait </dev/null >/dev/null 2>&1 || true
say alice "anyone new"
eventually 60 grep -q "fay asks to join gate" "$T/alice.err" && pass ||
	miss "the chat did not ask about fay: $(cat "$T/alice.err")"
grep -q "admitted fay" "$T/alice.err" && miss "fay was admitted on a denied approval" || pass
hang_up alice
relay_serves
hostile_done v2_approve_once

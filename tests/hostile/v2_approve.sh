#!/usr/bin/env bash
# Protocol v2, an --approve decision never outlives a kick or a deny
# (issue 12, item 3): alice's running chat approves erin, then kicks her.
# erin comes back under the same name with a new identity: the chat asks
# again instead of admitting her on the old approval; with her old
# identity (the kick banned it) she is not admitted at all.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
as alice join gate --approve </dev/null 2>/dev/null
as erin join gate --no-wait </dev/null 2>/dev/null || true
as_bg alice gate
eventually 60 grep -q "erin asks to join gate" "$T/alice.err" || fail "the chat does not ask about erin"
say alice "/approve erin"
eventually 60 grep -q "admitted erin to gate" "$T/alice.err" || fail "/approve did not admit erin"
say alice "/kick erin"
eventually 60 grep -q "erin was removed\|removed erin\|erin left" "$T/alice.err" ||
	fail "the chat did not remove erin: $(cat "$T/alice.err")"

# A new identity under the name erin: asked about again, not admitted.
E2E_CHAT_PASSWORD=$PASSWORD "$E2E_CLIENT" --relay "$PROXY_URL" --home "$T/erin2" --name erin \
	join gate --no-wait </dev/null >/dev/null 2>&1 || true
asked_twice() { [ "$(grep -c "erin asks to join gate" "$T/alice.err")" -ge 2 ]; }
eventually 60 asked_twice && pass ||
	miss "the chat did not ask about the new erin: $(cat "$T/alice.err")"
check_eq 1 "$(grep -c "admitted erin to gate" "$T/alice.err")" "admissions of erin"
# The old identity under another name: banned.
copy_identity erin erin3
as erin3 join gate --no-wait </dev/null >/dev/null 2>&1 || true
eventually 60 grep -q "erin3 .*is banned" "$T/alice.err" && pass ||
	miss "the chat did not say erin3 is banned: $(cat "$T/alice.err")"
grep -q "admitted erin3" "$T/alice.err" && miss "the banned identity was admitted as erin3" || pass
hang_up alice
relay_serves
hostile_done v2_approve

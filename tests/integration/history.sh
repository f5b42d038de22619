#!/usr/bin/env bash
# The history policy is chosen at creation and signed into the room state.
# "joined" (the default): a newcomer gets a fresh epoch and cannot read
# what was sent before it joined. "shared": the creator also wraps the
# past epochs' keys for the newcomer, who reads everything.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/client.sh"

relay_start
for policy in joined shared; do
	room=r-$policy
	if [ "$policy" = joined ]; then
		as alice join "$room" </dev/null 2>/dev/null   # the default
	else
		as alice join "$room" --history shared </dev/null 2>/dev/null
	fi
	as bob join "$room" --no-wait </dev/null 2>/dev/null || true
	as alice admit "$room" >/dev/null 2>&1
	as alice send "$room" "early, $policy"
	as alice rotate "$room" >/dev/null
	as bob send "$room" "also early, $policy"

	as carol join "$room" --no-wait </dev/null 2>/dev/null || true
	as alice admit "$room" >/dev/null 2>&1
	as alice send "$room" "late, $policy"
	as carol read "$room" >"$T/carol.$policy" 2>"$T/carol.$policy.warn"
	assert_contains "$(cat "$T/carol.$policy")" "alice: late, $policy"
	if [ "$policy" = joined ]; then
		grep -q "early" "$T/carol.$policy" && fail "a newcomer read history under 'joined'"
		assert_eq "2 earlier messages were sent before you joined (history: joined)" \
			"$(cat "$T/carol.$policy.warn")" "what the newcomer is told"
	else
		assert_contains "$(cat "$T/carol.$policy")" "alice: early, shared"
		assert_contains "$(cat "$T/carol.$policy")" "bob: also early, shared"
		[ ! -s "$T/carol.$policy.warn" ] || fail "warnings: $(cat "$T/carol.$policy.warn")"
	fi
	# The policy is told to members (from the signed state).
	as carol members "$room" --json >/dev/null
done

relay_stop
echo "history: ok"

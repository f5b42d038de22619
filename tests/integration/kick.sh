#!/usr/bin/env bash
# The creator removes a member: the relay refuses the member's token at
# once, a new epoch starts whose key is wrapped for the others only, and
# nothing sent after that can be decrypted with anything the removed
# member holds, even by a client patched to fetch the ciphertext with
# another member's token. History the member was allowed to see stays
# readable to the others.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/client.sh"
command -v sqlite3 >/dev/null || fail "sqlite3 is needed (scripts/install-deps installs it)"

relay_start
as alice join club </dev/null 2>/dev/null
for who in bob carol; do
	as "$who" join club --no-wait </dev/null 2>/dev/null || true
	as alice admit club >/dev/null 2>&1
done
as bob send club "bob before the kick"
epoch_before=$(as alice read club --json | tail -1 | sed 's/.*"epoch":\([0-9]*\).*/\1/')

as alice kick club bob >"$T/kick.out"
assert_contains "$(cat "$T/kick.out")" "removed bob from club"
epoch_after=$(sed 's/.*epoch \([0-9]*\) began.*/\1/' "$T/kick.out")
[ "$epoch_after" -gt "$epoch_before" ] || fail "no new epoch after the kick"

# The relay refuses bob at once: exit 5 and a clear message.
rc=0
as bob send club "bob after the kick" 2>"$T/bob.err" || rc=$?
assert_eq 5 "$rc" "send by a removed member"
assert_contains "$(cat "$T/bob.err")" "removed"
curl_json GET /v1/rooms/club/wraps "" "$(grep -o '"token":"[^"]*"' \
	"$(find "$T/bob/rooms" -name club.json)" | cut -d'"' -f4)"
assert_eq 403 "$STATUS" "bob's token after the kick"
assert_contains "$BODY" '"code":"removed"'

as carol send club "carol after the kick"
eventually 60 reads alice club "carol after the kick" || fail "alice cannot read carol"

# No wrap of the new epoch was made for bob.
assert_eq 0 "$(sqlite3 "$RELAY_DB" "SELECT count(*) FROM wraps WHERE member = 'bob' AND \
	epoch = $epoch_after")" "wraps for bob in the new epoch"
assert_eq 1 "$(sqlite3 "$RELAY_DB" "SELECT count(*) FROM wraps WHERE member = 'carol' AND \
	epoch = $epoch_after")" "wraps for carol in the new epoch"

# A patched client: bob's own epoch keys, tried on every ciphertext in the
# room (fetched with carol's token), whatever epoch each claims.
carol_token=$(grep -o '"token":"[^"]*"' "$(find "$T/carol/rooms" -name club.json)" | cut -d'"' -f4)
curl_json GET "/v1/rooms/club/messages?after=0" "" "$carol_token"
assert_eq 200 "$STATUS" "carol's read"
printf '%s' "$BODY" | "$E2E_TRYOPEN" "$(find "$T/bob/rooms" -name club.json)" club >"$T/bob.opened"
assert_contains "$(cat "$T/bob.opened")" '"text":"bob before the kick"'
grep -q "carol after the kick" "$T/bob.opened" && fail "bob's keys open a message sent after his removal"
# ... while carol's keys open it (the tool works).
printf '%s' "$BODY" | "$E2E_TRYOPEN" "$(find "$T/carol/rooms" -name club.json)" club >"$T/carol.opened"
assert_contains "$(cat "$T/carol.opened")" '"text":"carol after the kick"'

# The others still read the history bob took part in, and each other.
as carol read club >"$T/carol.read"
assert_contains "$(cat "$T/carol.read")" "bob: bob before the kick"
assert_contains "$(cat "$T/carol.read")" "carol: carol after the kick"
as alice members club >"$T/members.out" || fail "alice's members"
grep -q "^bob	banned" "$T/members.out" || fail "bob is not listed as banned: $(cat "$T/members.out")"

# Only an admin removes, and an admin does not remove itself (it leaves).
rc=0
as carol kick club alice 2>"$T/carol.err" || rc=$?
assert_eq 2 "$rc" "kick by a member"
rc=0
as alice kick club alice 2>"$T/alice.err" || rc=$?
assert_eq 2 "$rc" "the creator kicking itself"
assert_contains "$(cat "$T/alice.err")" "to remove yourself, leave the room"

relay_stop
echo "kick: ok"

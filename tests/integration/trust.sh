#!/usr/bin/env bash
# Safety numbers and trust on first use. A member's fingerprint is the
# same on every screen; `verify --accept` records that it was compared.
# When the signed state shows other keys for a name seen before (here: a
# member removed and replaced by a new identity under the same name), every
# client says so loudly, with both fingerprints, and marks that member's
# messages until the user accepts the new keys. The old identity's
# messages keep verifying with its old keys.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/client.sh"

fp() { as "$1" verify "$2" "$3" | cut -f2; }

relay_start
as alice join den </dev/null 2>/dev/null
for who in bob carol; do
	as "$who" join den --no-wait </dev/null 2>/dev/null || true
	as alice admit den >/dev/null 2>&1
done
as bob send den "old bob speaking"

# One fingerprint for bob, whoever computes it; 10 groups of 4 hex digits.
bob_fp=$(fp bob den bob)
[[ "$bob_fp" =~ ^([0-9a-f]{4} ){9}[0-9a-f]{4}$ ]] || fail "fingerprint format: '$bob_fp'"
assert_eq "$bob_fp" "$(fp alice den bob)" "alice's view of bob"
assert_eq "$bob_fp" "$(fp carol den bob)" "carol's view of bob"
[ "$bob_fp" != "$(fp carol den carol)" ] || fail "bob and carol share a fingerprint"
assert_contains "$(as carol verify den bob)" "not verified"
assert_contains "$(as carol verify den bob --accept)" "	verified"
as carol members den | grep -q "^bob	admitted	verified" || fail "members does not show bob verified"

# bob loses his identity; the creator removes him, a new one takes the name.
as alice kick den bob >/dev/null
E2E_CHAT_PASSWORD="$PASSWORD" "$E2E_CLIENT" --relay "$RELAY_URL" --home "$T/bob2" --name bob \
	join den --no-wait </dev/null 2>/dev/null || true
as alice admit den >"$T/admit.out" 2>"$T/admit.err"
assert_contains "$(cat "$T/admit.out")" "admitted bob"
new_fp=$(E2E_CHAT_PASSWORD="$PASSWORD" "$E2E_CLIENT" --relay "$RELAY_URL" --home "$T/bob2" \
	verify den bob | cut -f2)
[ "$new_fp" != "$bob_fp" ] || fail "the new identity has the old fingerprint"
E2E_CHAT_PASSWORD="$PASSWORD" "$E2E_CLIENT" --relay "$RELAY_URL" --home "$T/bob2" \
	send den "new bob speaking"

# carol's next read: loud, with both fingerprints; the new bob marked.
as carol read den >"$T/carol.read" 2>"$T/carol.warn"
assert_contains "$(cat "$T/carol.warn")" "SECURITY: room den: bob's KEYS CHANGED"
assert_contains "$(cat "$T/carol.warn")" "was $bob_fp, is now $new_fp"
assert_contains "$(cat "$T/carol.read")" "bob [UNVERIFIED: keys changed]: new bob speaking"
assert_contains "$(cat "$T/carol.read")" "bob [UNVERIFIED: keys changed]: old bob speaking"
grep -q "signature does not verify" "$T/carol.warn" &&
	fail "the old bob's message no longer verifies"
as carol members den | grep -q "^bob	admitted	KEYS-CHANGED" || fail "members hides the change"
as carol read den --json | grep -F '"new bob speaking"' | grep -q '"keys_changed":true' ||
	fail "--json hides the change"

# Accepted after comparing: the mark goes, and no warning repeats.
assert_contains "$(as carol verify den bob --accept)" "$new_fp	verified"
as carol read den >"$T/carol.read2" 2>"$T/carol.warn2"
assert_contains "$(cat "$T/carol.read2")" "bob: new bob speaking"
grep -q "UNVERIFIED" "$T/carol.read2" && fail "still marked after --accept"
[ ! -s "$T/carol.warn2" ] || fail "warnings after --accept: $(cat "$T/carol.warn2")"

relay_stop
echo "trust: ok"

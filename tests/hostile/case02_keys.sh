#!/usr/bin/env bash
# Case 2: the relay replaces a known member's public keys in its members
# table. The creator refuses the new keys with a warning naming the old
# and the new fingerprint; members keep trusting the signed state (same
# fingerprint, no key change, the member's messages still verify).
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 yard
as carol send yard "carol before the swap"
run_as bob bob0 read yard
shown bob0 "carol: carol before the swap"

# The fingerprint bob sees is the one of the keys the relay stores.
keys_hex() { q "SELECT hex(sign_pk), hex(box_pk) FROM members WHERE name = '$1'" | tr '|' ' '; }
old_fp=$(fingerprint $(keys_hex carol))
run_as bob v0 verify yard carol
assert_contains "$(cat "$T/v0.out")" "$old_fp" "bob's fingerprint of carol"

# The relay's own identity, made by a real client in a room of its own:
# valid keys, so only the key change itself can give it away.
as mallory join den </dev/null 2>/dev/null
sql "UPDATE members SET (sign_pk, box_pk) = (SELECT sign_pk, box_pk FROM members
     WHERE name = 'mallory') WHERE name = 'carol';"
new_fp=$(fingerprint $(keys_hex carol))
[ "$old_fp" != "$new_fp" ] || fail "the keys did not change"

# The creator refuses them, naming both fingerprints.
run_as alice admit admit yard
grep -q carol "$T/admit.out" && miss "the creator admitted carol's new keys: $(cat "$T/admit.out")"
warned admit "carol"
grep 'SECURITY: ' "$T/admit.err" | grep carol | grep -qF "$old_fp" ||
	miss "case 2: the creator's warning does not name carol's old fingerprint $old_fp: $(cat "$T/admit.err")"
grep 'SECURITY: ' "$T/admit.err" | grep carol | grep -qF "$new_fp" ||
	miss "case 2: the creator's warning does not name carol's new fingerprint $new_fp: $(cat "$T/admit.err")"

# Nobody's trusted state moved: the same fingerprint, no key change.
for who in alice bob; do
	run_as "$who" "v_$who" verify yard carol
	grep -qF "$old_fp" "$T/v_$who.out" || miss "$who's fingerprint of carol changed: $(cat "$T/v_$who.out")"
	run_as "$who" "m_$who" members yard
	grep -q "^carol	admitted" "$T/m_$who.out" || miss "$who no longer lists carol: $(cat "$T/m_$who.out")"
	grep "^carol" "$T/m_$who.out" | grep -q KEYS-CHANGED && miss "$who marks carol's keys changed"
done

# carol's messages still verify with the keys of the signed state.
as carol send yard "carol after the swap"
run_as bob bob1 read yard
shown bob1 "carol: carol before the swap"
shown bob1 "carol: carol after the swap"
not_warned bob1
grep -q 'UNVERIFIED' "$T/bob1.out" && miss "carol's messages are marked unverified"
relay_serves
hostile_done case02_keys

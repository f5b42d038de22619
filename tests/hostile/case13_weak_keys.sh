#!/usr/bin/env bash
# Case 13: an all-zero or small-order X25519 public key in a member record.
# The relay cannot make a valid admission MAC, so these rows carry one made
# with the room password (an insider, or a relay that learnt it): only the
# key check itself can refuse them. The creator does not admit them (and
# says so), members do not list them as admitted, and their messages are
# not shown; the room goes on.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"
command -v openssl >/dev/null || fail "openssl is needed (Debian: a dependency of ca-certificates)"

ZERO=0000000000000000000000000000000000000000000000000000000000000000
ORDER8=e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800

hostile_start
room3 yard

# field STRING: a transcript field (4-byte big-endian length, then bytes), hex.
field() { printf '%08x' "${#1}"; printf '%s' "$1" | xxd -p | tr -d '\n'; }
# The room id (protocol v2: every transcript binds it), hex.
ROOM_ID=$(q "SELECT hex(room_key) FROM rooms WHERE name = 'yard'")
# member_mac KEY_B64 ROOM NAME SIGN_HEX BOX_HEX: crypto_auth (HMAC-SHA-512-256)
# over the member transcript (room name and id, name, keys).
member_mac() {
	local key
	key=$(printf '%s' "$1" | base64 -d | xxd -p | tr -d '\n')
	{
		field e2e-chat/v2/member
		field "$2"
		printf '%08x%s' 16 "$ROOM_ID"
		field "$3"
		printf '%08x%s%08x%s' 32 "$4" 32 "$5"
	} | xxd -r -p | openssl dgst -sha512 -mac HMAC -macopt "hexkey:$key" -binary |
		head -c 32 | xxd -p | tr -d '\n' | tr a-f A-F
}

n=0
for weak in $ZERO $ORDER8; do
	n=$((n + 1))
	who=weak$n
	as "$who" join yard --no-wait </dev/null 2>/dev/null || true
	admission=$(grep -o '"admission":"[^"]*"' "$(find "$T/$who/rooms" -name yard.json)" |
		cut -d'"' -f4)
	sign=$(q "SELECT hex(sign_pk) FROM members WHERE name = '$who'")
	box=$(q "SELECT hex(box_pk) FROM members WHERE name = '$who'")
	# The MAC computed here is the one the client made: the recipe is right.
	assert_eq "$(q "SELECT hex(mac) FROM members WHERE name = '$who'")" \
		"$(member_mac "$admission" yard "$who" "$sign" "$box")" "$who's admission MAC"
	sql "UPDATE members SET box_pk = X'$weak',
	       mac = X'$(member_mac "$admission" yard "$who" "$sign" "$weak")' WHERE name = '$who';"

	run_as alice "admit$n" admit yard
	grep -q "$who" "$T/admit$n.out" && miss "the creator admitted $who's weak key: $(cat "$T/admit$n.out")"
	warned "admit$n" "$who's public keys are unusable"
	[ -z "$(q "SELECT 1 FROM wraps WHERE member = '$who'")" ] || miss "a key was wrapped for $who"
	run_as bob "members$n" members yard
	grep -q "^$who	admitted" "$T/members$n.out" && miss "bob lists $who as admitted"
	# A message in its name, injected with the relay's help: not shown.
	sql "UPDATE members SET status = 'admitted' WHERE name = '$who';
	     INSERT INTO messages (room_id, v, sender, epoch, counter, nonce, ct, sig, received_at)
	     SELECT id, 1, '$who', (SELECT max(epoch) FROM states), 1, randomblob(24),
	            randomblob(40), randomblob(64), strftime('%s', 'now') FROM rooms WHERE name = 'yard';"
	run_as carol "read$n" read yard
	status_is 0 "read$n"
	grep -q "\] $who:" "$T/read$n.out" && miss "carol showed a message from $who"
	warned "read$n" "claims to be from $who, who was not a member"
done

# The room goes on for everyone else.
as carol send yard "still fine"
run_as bob last read yard
shown last "carol: still fine"
relay_serves
hostile_done case13_weak_keys

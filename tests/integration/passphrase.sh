#!/usr/bin/env bash
# An identity protected by a passphrase (Argon2id + secretbox): set,
# used, changed, removed. A wrong passphrase is a clear error (exit 4) and
# leaves the file untouched; without a passphrase source and a terminal,
# the error names the option. The sealed file holds no key in clear.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/client.sh"

relay_start
as alice join vault </dev/null 2>/dev/null
id="$T/alice/identity"
assert_eq 104 "$(stat -c %s "$id")" "plain identity size"
plain_key_hex=$(od -An -tx1 -j8 -N32 "$id" | tr -d ' \n')
old_fp=$(as alice verify vault alice | cut -f2)
room_file=$(find "$T/alice/rooms" -name vault.json)
token=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$room_file")
admission=$(sed -n 's/.*"admission":"\([^"]*\)".*/\1/p' "$room_file")
[ -n "$token" ] && [ -n "$admission" ] || fail "no token or admission key in $room_file"

E2E_CHAT_NEW_PASSPHRASE='first passphrase' as alice passphrase >"$T/out"
assert_contains "$(cat "$T/out")" "protected by the new passphrase"
assert_eq 176 "$(stat -c %s "$id")" "sealed identity size"
assert_eq 600 "$(stat -c %a "$id")" "sealed identity mode"
od -An -tx1 "$id" | tr -d ' \n' | grep -q "$plain_key_hex" && fail "a key is in clear"
# the room files' keys are sealed with it (issue 11)
for secret in "$token" "$admission"; do
	grep -qF "$secret" "$room_file" && fail "a room file's secret is in clear: $(cat "$room_file")"
done
grep -q '"sealed":"' "$room_file" || fail "the room file is not sealed: $(cat "$room_file")"

# Without the passphrase and without a terminal: exit 2, naming the option.
rc=0
setsid bash -c "E2E_CHAT_PASSWORD='$PASSWORD' '$E2E_CLIENT' --relay '$RELAY_URL' \
	--home '$T/alice' read vault" </dev/null >/dev/null 2>"$T/err" || rc=$?
assert_eq 2 "$rc" "no passphrase available"
assert_contains "$(cat "$T/err")" "--passphrase-file FILE or set E2E_CHAT_PASSPHRASE"

# A wrong passphrase: exit 4, a clear message, the file unchanged.
before=$(sha256sum "$id")
rc=0
E2E_CHAT_PASSPHRASE='not it at all' as alice send vault "x" 2>"$T/err" || rc=$?
assert_eq 4 "$rc" "wrong passphrase"
assert_contains "$(cat "$T/err")" "wrong passphrase for $id"
assert_eq "$before" "$(sha256sum "$id")" "identity file after a wrong passphrase"

# The right one, from the environment or a file: the same identity.
E2E_CHAT_PASSPHRASE='first passphrase' as alice send vault "sealed alice"
printf 'first passphrase\n' >"$T/pp"
assert_eq "$old_fp" "$(as alice verify vault alice --passphrase-file "$T/pp" | cut -f2)" \
	"fingerprint after sealing"

# Changed: the old passphrase no longer opens it.
E2E_CHAT_PASSPHRASE='first passphrase' E2E_CHAT_NEW_PASSPHRASE='second passphrase' \
	as alice passphrase >/dev/null
rc=0
E2E_CHAT_PASSPHRASE='first passphrase' as alice read vault >/dev/null 2>&1 || rc=$?
assert_eq 4 "$rc" "the old passphrase after a change"
E2E_CHAT_PASSPHRASE='second passphrase' as alice read vault >"$T/read.out" ||
	fail "the new passphrase does not work"
grep -q "sealed alice" "$T/read.out" || fail "the new passphrase reads nothing"

# Removed: plain again, same keys.
E2E_CHAT_PASSPHRASE='second passphrase' as alice passphrase --remove >"$T/out"
assert_contains "$(cat "$T/out")" "no longer protected"
assert_eq 104 "$(stat -c %s "$id")" "identity size after --remove"
assert_eq "$plain_key_hex" "$(od -An -tx1 -j8 -N32 "$id" | tr -d ' \n')" "keys after --remove"
as alice read vault >"$T/read.out" || fail "alice's read after --remove"
grep -q "sealed alice" "$T/read.out" || fail "alice cannot read after --remove"
grep -qF "$token" "$room_file" || fail "the room file's token is not back in the clear"

relay_stop
echo "passphrase: ok"

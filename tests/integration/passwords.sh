#!/usr/bin/env bash
# Room passwords: a wrong one is refused by the relay (the access proof
# fails) and changes nothing; short ones are refused by the client; a
# password file works; the password never reaches argv.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/client.sh"

relay_start
as alice join vault --history shared </dev/null 2>/dev/null ||
	fail "alice could not create the room"
as alice send vault "for members only"

# Wrong password: exit 4, a clear message, no membership kept.
rc=0
E2E_CHAT_PASSWORD='not the password' as eve join vault </dev/null 2>"$T/eve.err" || rc=$?
assert_eq 4 "$rc" "join with a wrong password"
assert_contains "$(cat "$T/eve.err")" "wrong password for room vault"
# the relay logs a request once its answer is sent: soon, not at once
eventually 30 grep -q "POST /v1/rooms/vault/members 403" "$T/relay.log" ||
	fail "the refused join is not in the relay's log"
rc=0
as eve read vault 2>/dev/null || rc=$?
assert_eq 5 "$rc" "read by someone who never got in"
as alice members vault >"$T/members.out" || fail "alice's members"
grep -q '^eve' "$T/members.out" && fail "eve is listed after a wrong password"

# The right password from a file (first line only).
printf '%s\nsecond line ignored\n' "$PASSWORD" >"$T/pw"
E2E_CHAT_PASSWORD= as bob join vault --password-file "$T/pw" --no-wait </dev/null 2>/dev/null || true
as alice admit vault >/dev/null
eventually 60 reads bob vault "for members only" || fail "bob (password file) cannot read"

# Too short, empty: refused before anything is sent.
for pw in '' 'short'; do
	rc=0
	E2E_CHAT_PASSWORD=$pw as mallory join newroom </dev/null 2>"$T/m.err" || rc=$?
	assert_eq 2 "$rc" "password '$pw'"
	assert_contains "$(cat "$T/m.err")" "8 to 1024 bytes"
done
rc=0
curl -s -o /dev/null -w '%{http_code}' "$RELAY_URL/v1/rooms/newroom" | grep -q 404 ||
	fail "a refused password still created the room"

# No password source and no terminal: a usage error naming the options.
rc=0
env -u E2E_CHAT_PASSWORD setsid "$E2E_CLIENT" --relay "$RELAY_URL" --home "$T/zed" --name zed \
	join vault </dev/null 2>"$T/zed.err" || rc=$?
assert_eq 2 "$rc" "no password available"
assert_contains "$(cat "$T/zed.err")" "--password-file"

# Two members cannot share a name.
rc=0
as bob join vault --home "$T/bob2" </dev/null 2>"$T/bob2.err" || rc=$?
assert_eq 5 "$rc" "a second bob"
assert_contains "$(cat "$T/bob2.err")" "name bob is taken"

relay_stop
echo "passwords: ok"

#!/usr/bin/env bash
# Issue 11, defect 9 (fixed): a relay URL written another way (a trailing
# slash, upper-case scheme or host, the default port) is the same relay,
# not a second membership, and memberships made under such a spelling
# before are found again. (The normal form: tests/unit/test_relayurl.c.)
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"

relay_start
room_of_two den
as bob send den "from bob" || fail "bob's first send"
for url in "HTTP://127.0.0.1:$RELAY_PORT/" "http://127.0.0.1:$RELAY_PORT//"; do
	rc=0
	E2E_CHAT_PASSWORD= "$E2E_CLIENT" --relay "$url" --home "$T/bob" --name bob read den \
		>"$T/url.out" 2>"$T/url.err" || rc=$?
	[ "$rc" = 0 ] && grep -qF "from bob" "$T/url.out" ||
		defect "--relay $url is not the relay bob joined (exit $rc): $(cat "$T/url.err")"
done
assert_eq 1 "$(find "$T/bob/rooms" -mindepth 1 -maxdepth 1 | wc -l)" "bob's relay directories"

# a membership kept under the old spelling's directory (before relay URLs
# had one form) is adopted, not lost
old=$T/bob/rooms/http___127.0.0.1_${RELAY_PORT}_
mv "$T/bob/rooms/http___127.0.0.1_$RELAY_PORT" "$old"
rc=0
E2E_CHAT_PASSWORD= "$E2E_CLIENT" --relay "http://127.0.0.1:$RELAY_PORT/" --home "$T/bob" \
	--name bob read den >"$T/old.out" 2>"$T/old.err" || rc=$?
[ "$rc" = 0 ] && grep -qF "from bob" "$T/old.out" ||
	defect "a membership under the old spelling was lost (exit $rc): $(cat "$T/old.err")"
[ ! -e "$old" ] || defect "the old spelling's directory is still there"

# what is not a relay URL: a plain-words refusal, exit 2, no password echoed
for url in "ftp://127.0.0.1:$RELAY_PORT" "127.0.0.1:$RELAY_PORT" "http://bob:hunter2@127.0.0.1:$RELAY_PORT"; do
	rc=0
	"$E2E_CLIENT" --relay "$url" --home "$T/bob" --name bob read den >/dev/null 2>"$T/bad.err" || rc=$?
	assert_eq 2 "$rc" "--relay $url: exit status"
	assert_eq 1 "$(wc -l <"$T/bad.err")" "--relay $url: one line"
	assert_contains "$(cat "$T/bad.err")" "relay URL" "--relay $url"
	! grep -q hunter2 "$T/bad.err" || fail "--relay $url: the password was repeated"
done
defect_gone relay_url

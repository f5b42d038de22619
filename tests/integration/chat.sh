#!/usr/bin/env bash
# A creator and two members exchange messages in both directions; the
# creator's running client admits the members by itself.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/client.sh"

relay_start

# alice creates the room by joining it first, and stays in it. Shared
# history: everybody reads the whole conversation (history.sh covers both).
as_bg alice lobby --history shared
eventually 60 grep -q 'creating it' "$T/alice.err" || fail "alice did not create the room"
eventually 60 as alice members lobby >/dev/null || fail "alice never became a member"

# bob and carol join from pipes: each waits for alice's client to admit
# them, sends its line, and exits at end of input.
echo "bob says hello" | as bob join lobby --interval 100 2>"$T/bob.err" ||
	fail "bob's join failed: $(cat "$T/bob.err")"
echo "carol says hi" | as carol join lobby --interval 100 2>"$T/carol.err" ||
	fail "carol's join failed: $(cat "$T/carol.err")"
say alice "alice answers both"

for who in alice bob carol; do
	for text in "bob says hello" "carol says hi" "alice answers both"; do
		eventually 60 reads "$who" lobby "$text" || fail "$who does not see '$text'"
	done
done

# The same conversation in order, with authenticated senders, for bob.
as bob read lobby >"$T/bob.read"
assert_eq "bob: bob says hello
carol: carol says hi
alice: alice answers both" "$(sed 's/^\[[^]]*\] //' "$T/bob.read")" "bob's view of the conversation"

# --json: one object per line with sender, time and text.
as carol read lobby --json --after 0 >"$T/carol.json"
assert_eq 3 "$(wc -l <"$T/carol.json" | tr -d ' ')" "carol's JSON lines"
assert_contains "$(head -1 "$T/carol.json")" '"sender":"bob"'
assert_contains "$(head -1 "$T/carol.json")" '"text":"bob says hello"'

# --after skips what was already seen.
first=$(head -1 "$T/carol.json" | sed 's/.*"seq":\([0-9]*\).*/\1/')
assert_eq 2 "$(as carol read lobby --after "$first" | wc -l | tr -d ' ')" "read --after"

# send: TEXT, or standard input with -.
as bob send lobby "second from bob"
printf 'piped from carol\n' | as carol send lobby -
eventually 60 reads alice lobby "second from bob" || fail "alice misses bob's send"
eventually 60 reads alice lobby "piped from carol" || fail "alice misses carol's send"

# members: everybody admitted, in the creator-signed state.
as bob members lobby >"$T/members"
assert_contains "$(cat "$T/members")" "alice	admitted	unverified	admin"
assert_contains "$(cat "$T/members")" "bob	admitted	unverified	you"
assert_contains "$(cat "$T/members")" "carol	admitted"

hang_up alice
relay_stop
echo "chat: ok"

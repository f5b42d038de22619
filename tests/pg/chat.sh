#!/usr/bin/env bash
# tests/pg/chat.sh - real e2e-chat clients spread over three relays on one
# PostgreSQL database chat (issue 15): alice creates the room and stays in
# it through relay 1, and her running client admits bob, who joins
# through relay 2, and carol, through relay 3; everybody reads everybody's
# messages through their own relay.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"
. "$(dirname "$0")/lib.sh"

pg_start
db=$(pg_createdb chat)
for i in 1 2 3; do
	relay_n_start "$i" "$db"
done
declare -A relay_of=([alice]=1 [bob]=2 [carol]=3)

on 1
as_bg alice lobby --history shared
eventually 60 grep -q 'creating it' "$T/alice.err" || fail "alice did not create the room"
eventually 60 as alice members lobby >/dev/null || fail "alice never became a member"
on 2
echo "bob says hello" | as bob join lobby --interval 100 2>"$T/bob.err" ||
	fail "bob's join through relay 2 failed: $(cat "$T/bob.err")"
on 3
echo "carol says hi" | as carol join lobby --interval 100 2>"$T/carol.err" ||
	fail "carol's join through relay 3 failed: $(cat "$T/carol.err")"
say alice "alice answers both"

for who in alice bob carol; do
	on "${relay_of[$who]}"
	for text in "bob says hello" "carol says hi" "alice answers both"; do
		eventually 60 reads "$who" lobby "$text" ||
			fail "$who does not see '$text' through relay ${relay_of[$who]}"
	done
done
on 2
as bob send lobby "second from bob"
on 1
eventually 60 reads alice lobby "second from bob" || fail "alice misses bob's send"
on 3
as carol members lobby >"$T/members"
assert_contains "$(cat "$T/members")" "bob	admitted"
assert_contains "$(cat "$T/members")" "carol	admitted	unverified	you"

hang_up alice
relays_stop
echo "pg chat: three clients on three relays: ok"

#!/usr/bin/env bash
# Issue 11, defect 1 (fixed): `read --after SEQ` above the newest message must
# only filter what it prints; the profile's chat still shows every new
# message afterwards.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"

relay_start
room_of_two den
as bob send den "before the jump" || fail "bob's first send"
out=$(as alice read den --after 9999) || fail "read --after 9999 failed"
assert_eq "" "$out" "read --after 9999 prints nothing"
as_tty alice den
as bob send den "after the jump" || fail "bob's second send"
eventually 30 shows alice "after the jump" ||
	defect "alice's chat never showed a message sent after read --after 9999"
say alice /quit
defect_gone read_after

#!/usr/bin/env bash
# Issue 11, defect 7 (fixed; the chat's half: seq_jump_chat.sh): one
# hostile answer does no lasting damage. After a page that carries a
# message at a huge relay sequence number, the sender's later messages are
# shown (client/chain.c, tests/unit/test_chain.c).
set -uo pipefail
. "$(dirname "$0")/../hostile/hostile.sh"

hostile_start
room_of_two den
as bob send den "an honest message" || fail "bob's first send"
rules "GET /v1/rooms/den/messages set-field seq 4000000000"
run_as alice lie read den
honest
as bob send den "after the lie" || fail "bob's second send"
run_as alice after read den
grep -qF "after the lie" "$T/after.out" ||
	defect "bob's messages are refused for good after one page with a huge seq: $(cat "$T/after.err")"
hostile_stop
defect_gone seq_jump

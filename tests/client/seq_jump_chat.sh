#!/usr/bin/env bash
# Issue 11, defect 7 (the chat's half): one page with a message at a huge
# relay sequence number must not silence a running chat for good: once
# the relay is honest again, the chat shows what is sent next. (The
# sender's half, its later messages refused for good, is fixed: seq_jump.sh.)
set -uo pipefail
. "$(dirname "$0")/../hostile/hostile.sh"

hostile_start
room_of_two den
as_tty alice den
eventually 60 shows alice "keeps" || fail "alice's chat never started: $(cat "$T/alice.out")"
rules "GET /v1/rooms/den/messages set-field seq 4000000000"
as bob send den "under the lie" || fail "bob's first send"
eventually 60 shows alice "under the lie" || fail "alice's chat never showed the first message"
honest
as bob send den "after the lie" || fail "bob's second send"
eventually 60 shows alice "after the lie" || {
	kill -0 "$alice_pid" 2>/dev/null || fail "harness: alice's chat ended: $(cat "$T/alice.out")"
	defect "alice's chat shows nothing new after one page with a huge seq"
}
say alice /quit
hostile_stop
defect_gone seq_jump_chat

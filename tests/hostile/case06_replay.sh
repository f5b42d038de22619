#!/usr/bin/env bash
# Case 6 (the proxy's half; tests/integration/tamper.sh replays through
# SQLite): a message served twice, the copy under a new sequence number.
# Shown once, the replay warned; the honest traffic goes on.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 yard
as bob send yard "said once"
as bob send yard "said twice"
rules "GET /v1/rooms/yard/messages replay-first"
run_as carol replay read yard
status_is 0 replay
assert_eq 1 "$(grep -c 'said once' "$T/replay.out")" "the replayed message shown once"
shown replay "bob: said twice"
warned replay "from bob repeats or reorders counter 1 (replayed or reordered); not shown"

honest
as bob send yard "said thrice"
run_as carol after read yard
status_is 0 after
assert_eq 1 "$(grep -c 'said once' "$T/after.out")" "shown once after the replay"
shown after "bob: said thrice"
not_warned after
relay_serves
hostile_done case06_replay

#!/usr/bin/env bash
# Two answers with false huge sequence numbers, each with one new
# message, then an honest relay: the reader's probe finds the relay's
# true numbering again and shows what follows, with one SECURITY: line.
# (Review of issue 11, finding 3; seen failing: alice never saw m3, m4.)
set -uo pipefail
. "$(dirname "$0")/../hostile/hostile.sh"

hostile_start
room_of_two den
as bob send den "m0" || fail "send m0"
run_as alice r0 read den
as bob send den "m1" || fail "send m1"
sql "UPDATE messages SET seq = 4000000000 WHERE sender = 'bob' AND counter = 2"
run_as alice r1 read den
check_contains "$(cat "$T/r1.out")" "bob: m1" "m1 under a false number"
sql "UPDATE messages SET seq = 2 WHERE seq = 4000000000;
     UPDATE sqlite_sequence SET seq = 2 WHERE name = 'messages'"
as bob send den "m2" || fail "send m2"
sql "UPDATE messages SET seq = 4000000001 WHERE sender = 'bob' AND counter = 3"
run_as alice r2 read den
check_contains "$(cat "$T/r2.out")" "bob: m2" "m2 under a false number"
# honest from here on
sql "UPDATE messages SET seq = 3 WHERE seq = 4000000001;
     UPDATE sqlite_sequence SET seq = 3 WHERE name = 'messages'"
for i in 3 4; do as bob send den "m$i" || fail "send m$i"; done
shows_m4() { run_as alice r read den && grep -q 'bob: m4$' "$T/r.out"; }
# the probe comes at most every 20 s
eventually 90 shows_m4 || miss "alice never saw bob's m4: $(cat "$T/r.out" "$T/r.err")"
pass
check_eq 1 "$(grep -c 'bob: m3$' "$T/r.out")" "m3 shown once"
hostile_stop
checks_done lie_numbers

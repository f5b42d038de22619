#!/usr/bin/env bash
# Case 7: each sender's messages form a chain (counter and the hash of the
# sender's previous message, inside the ciphertext). Two of one sender's
# messages served in swapped order (proxy), or one deleted from the middle
# (SQLite): reported as reordered / missing; new messages still verify.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 yard
for i in 1 2 3; do as bob send yard "chain $i"; done
seq2=$(q "SELECT seq FROM messages WHERE counter = 2 AND sender = 'bob'")
seq3=$(q "SELECT seq FROM messages WHERE counter = 3 AND sender = 'bob'")

# Swapped: carol, who has seen none of them, gets 1, 3, 2.
rules "GET /v1/rooms/yard/messages swap 1 2"
run_as carol swap read yard
status_is 0 swap
shown swap "bob: chain 1"
warned swap "room yard: 1 message(s) from bob are missing before message $seq2 (counter 3)"
warned swap "room yard: message $seq3 from bob repeats or reorders counter 2 (replayed or reordered); not shown"
not_shown swap "chain 2"

# The honest relay again: bob's next message follows the chain carol holds.
honest
as bob send yard "chain 4"
run_as carol next read yard --after "$seq3"
status_is 0 next
shown next "bob: chain 4"
not_warned next

# Deleted from the middle: alice has read up to chain 4; bob sends three
# more, and the relay deletes the middle one.
as alice read yard >/dev/null 2>&1
for i in 5 6 7; do as bob send yard "chain $i"; done
seq7=$(q "SELECT seq FROM messages WHERE counter = 7 AND sender = 'bob'")
sql "DELETE FROM messages WHERE sender = 'bob' AND counter = 6;"
run_as alice gap read yard
status_is 0 gap
shown gap "bob: chain 5"
shown gap "bob: chain 7"
warned gap "room yard: 1 message(s) from bob are missing before message $seq7 (counter 7): the relay dropped or withheld them"

# Swapped in the database itself: the two rows trade sequence numbers.
as bob send yard "chain 8"
as bob send yard "chain 9"
s8=$(q "SELECT seq FROM messages WHERE counter = 8 AND sender = 'bob'")
s9=$(q "SELECT seq FROM messages WHERE counter = 9 AND sender = 'bob'")
sql "UPDATE messages SET seq = -1 WHERE seq = $s8;
     UPDATE messages SET seq = $s8 WHERE seq = $s9;
     UPDATE messages SET seq = $s9 WHERE seq = -1;"
run_as carol dbswap read yard --after "$seq7"
status_is 0 dbswap
warned dbswap "message(s) from bob are missing before message $s8 (counter 9)"
warned dbswap "message $s9 from bob repeats or reorders counter 8 (replayed or reordered); not shown"
not_shown dbswap "chain 8"
relay_serves
hostile_done case07_chain

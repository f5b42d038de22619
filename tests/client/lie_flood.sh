#!/usr/bin/env bash
# A newcomer's client and a relay that serves endless copies of a message
# sent before it joined (which it cannot read): the copies are caught by
# their signed counter, the read stops at the first page of them (exit 7),
# the store keeps one row, and once the relay is honest the newcomer sees
# what is sent next. (Review of issue 11, finding 4; seen failing: every
# read added 100,000 rows, said "100001 earlier messages", exit 0.)
set -uo pipefail
. "$(dirname "$0")/../hostile/hostile.sh"

hostile_start
as alice join den </dev/null 2>/dev/null || fail "alice could not create den"
as alice send den "before bob" || fail "early send"
as bob join den --no-wait </dev/null 2>/dev/null || true
as alice admit den >/dev/null 2>&1 || fail "alice could not admit bob"
as alice send den "welcome bob" || fail "welcome"
run_as bob r0 read den
check_contains "$(cat "$T/r0.out")" "alice: welcome bob" "bob's first read"
rules "GET /v1/rooms/den/messages endless"
run_as bob r1 read den
check_eq 7 "$RC" "the read of endless copies"
check_eq 1 "$(sqlite3 "$T/bob/store.db" 'SELECT count(*) FROM messages WHERE kind = 5')" \
	"earlier messages kept"
honest
as alice send den "after the flood" || fail "send after"
reads_it() { run_as bob r read den && grep -q 'alice: after the flood$' "$T/r.out"; }
eventually 90 reads_it || miss "bob never saw what came after: $(cat "$T/r.out" "$T/r.err")"
pass
hostile_stop
checks_done lie_flood

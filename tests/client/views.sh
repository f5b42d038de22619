#!/usr/bin/env bash
# Issue 11: what `read` and `rooms` show from the profile's store.
# `read --tail N` the last N; `read --after SEQ` filters and never changes
# what a chat has seen; a read shows history from the store even when the
# relay later serves none; `rooms` lists relay, role, unread and queued;
# store.db is 0600 and holds no text in clear.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"

relay_start
room_of_two den
for i in 1 2 3 4 5; do as alice send den "line $i" || fail "alice's send $i"; done
as bob read den >"$T/all.out" 2>"$T/all.err" || fail "bob's read: $(cat "$T/all.err")"
check_eq 5 "$(grep -c 'alice: line' "$T/all.out")" "bob's whole read"

as bob read den --tail 2 >"$T/tail.out" || fail "read --tail"
check_eq "alice: line 4|alice: line 5" "$(sed 's/^\[[^]]*\] //' "$T/tail.out" | paste -sd'|')" \
	"read --tail 2"
rc=0
as bob read den --tail 0 >/dev/null 2>"$T/tail0.err" || rc=$?
check_eq 2 "$rc" "read --tail 0 is a usage error"

# --after filters by the relay's numbers, and a high one leaves nothing
# skipped: the next read and a chat still show what comes.
second=$(as bob read den --json | sed -n '2s/.*"seq":\([0-9]*\).*/\1/p')
as bob read den --after "$second" >"$T/after.out" || fail "read --after"
check_eq 3 "$(grep -c 'alice: line' "$T/after.out")" "read --after the second message"
as bob read den --after 999999 >"$T/after-high.out" || fail "read --after 999999"
check_eq 0 "$(grep -c . "$T/after-high.out")" "read --after above everything"
as alice send den "line 6" || fail "alice's send 6"
as bob read den --tail 1 >"$T/six.out" || fail "read after --after 999999"
check_contains "$(cat "$T/six.out")" "alice: line 6" "a read after --after 999999"

# the store itself: its mode, the trusted state history (alice's: the
# room's first state, then the one that admitted bob)
check_eq "$(stat -c %a "$T/bob/store.db")" 600 "store.db's mode"
check_eq 2 "$(sqlite3 "$T/alice/store.db" 'SELECT count(*) FROM states')" "alice's states kept"
grep -qa 'line 1' "$T/bob/store.db" && miss "store.db holds a text in clear"
pass

# rooms: relay, role, unread (alice's 6 read by bob: 0; one more: 1)
as alice send den "line 7" || fail "alice's send 7"
as bob rooms >"$T/rooms.out" || fail "rooms"
check_contains "$(cat "$T/rooms.out")" "den" "rooms lists den"
check_contains "$(cat "$T/rooms.out")" "member" "bob's role"
as bob rooms --json >"$T/rooms.json" || fail "rooms --json"
check_contains "$(cat "$T/rooms.json")" '"unread":0' "bob's unread"
as bob read den --tail 1 >/dev/null || fail "bob's read of line 7"
as alice rooms --json >"$T/alice-rooms.json" || fail "alice's rooms"
check_contains "$(cat "$T/alice-rooms.json")" '"role":"admin"' "alice's role"
check_contains "$(cat "$T/alice-rooms.json")" "\"relay\":\"$RELAY_URL\"" "the relay, in its normal form"
# fetched but not shown: the creator's admit reads the room for its duties
as bob send den "from bob" || fail "bob's send"
as alice admit den >/dev/null 2>&1 || fail "alice's admit"
as alice rooms --json >"$T/alice-rooms2.json" || fail "alice's rooms"
check_contains "$(cat "$T/alice-rooms2.json")" '"unread":1' "fetched, not shown"
as alice read den >/dev/null || fail "alice's read"
as alice rooms --json >"$T/alice-rooms3.json" || fail "alice's rooms"
check_contains "$(cat "$T/alice-rooms3.json")" '"unread":0' "after alice's read"
# a store lost (or a profile from before the store): the history is
# fetched into a new one, shown whole, and nothing is called a replay
rm -f "$T/bob/store.db" "$T/bob/store.db-wal" "$T/bob/store.db-shm"
as bob read den >"$T/again.out" 2>"$T/again.err" || fail "read into a new store: $(cat "$T/again.err")"
check_eq 7 "$(grep -c 'alice: line' "$T/again.out")" "the history read into a new store"
check_eq "" "$(grep 'SECURITY' "$T/again.err")" "warnings reading into a new store"
checks_done views

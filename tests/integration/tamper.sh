#!/usr/bin/env bash
# The relay's operator edits its database between client steps. Clients
# must never show forged or replayed content, must say "SECURITY:" on
# stderr, and must keep working for the honest traffic:
#   a replayed message, a flipped ciphertext byte, a message under another
#   sender's name, an injected member, a rolled-back room state, a swapped
#   creator key seen by a newcomer, and an unsigned "member left".
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/client.sh"
command -v sqlite3 >/dev/null || fail "sqlite3 is needed (scripts/install-deps installs it)"

relay_start
port=$RELAY_PORT
as alice join yard </dev/null 2>/dev/null
for who in bob carol; do
	as "$who" join yard --no-wait </dev/null 2>/dev/null || true
	as alice admit yard >/dev/null
done
as bob send yard "honest one"
as carol send yard "honest two"
as alice read yard >/dev/null # alice has seen the state and both senders

# sql STATEMENT: run it on the stopped relay's database, then restart.
sql() {
	relay_stop
	sqlite3 "$RELAY_DB" "$1"
	relay_start --port "$port"
}
# read_as USER: USER's full read; stdout in $T/USER.read, stderr in $T/USER.warn.
read_as() { as "$1" read yard >"$T/$1.read" 2>"$T/$1.warn"; }

# 1. A stored message served again under a new sequence number.
sql "INSERT INTO messages (room_id, v, sender, epoch, counter, nonce, ct, sig, received_at)
     SELECT room_id, v, sender, epoch, counter, nonce, ct, sig, received_at
     FROM messages WHERE sender = 'bob' ORDER BY seq LIMIT 1;"
read_as alice
assert_eq 1 "$(grep -c 'honest one' "$T/alice.read")" "a replayed message shown once"
assert_contains "$(cat "$T/alice.warn")" "SECURITY: "
assert_contains "$(cat "$T/alice.warn")" "(replayed or reordered)"

# 2. One byte of a ciphertext changed (to 0xFF, or to 0x00 where it was
# 0xFF already: a fixed byte alone would leave one ciphertext in 256 as
# it was).
as carol send yard "tamper with me"
before=$(sqlite3 "$RELAY_DB" "SELECT hex(ct) FROM messages ORDER BY seq DESC LIMIT 1")
sql "UPDATE messages SET ct = substr(ct, 1, 4) ||
       CASE WHEN substr(ct, 5, 1) = X'FF' THEN X'00' ELSE X'FF' END || substr(ct, 6)
     WHERE seq = (SELECT max(seq) FROM messages);"
after=$(sqlite3 "$RELAY_DB" "SELECT hex(ct) FROM messages ORDER BY seq DESC LIMIT 1")
[ "$before" != "$after" ] && [ ${#before} = ${#after} ] || fail "the ciphertext was not changed"
read_as bob
grep -q 'tamper with me' "$T/bob.read" && fail "a tampered message was shown"
assert_contains "$(cat "$T/bob.warn")" "from carol: signature does not verify"

# 3. carol's message relabelled as bob's.
as carol send yard "carol, not bob"
sql "UPDATE messages SET sender = 'bob' WHERE seq = (SELECT max(seq) FROM messages);"
read_as alice
grep -q 'carol, not bob' "$T/alice.read" && fail "a relabelled message was shown"
assert_contains "$(cat "$T/alice.warn")" "from bob: signature does not verify"

# 4. A member injected by the relay (no admission MAC), marked admitted,
#    with a message of its own.
sql "INSERT INTO members (room_id, name, v, sign_pk, box_pk, mac, status, token_hash, joined_at)
     SELECT id, 'mallory', 1, randomblob(32), randomblob(32), randomblob(32), 'admitted',
            randomblob(32), 0 FROM rooms WHERE name = 'yard';
     INSERT INTO messages (room_id, v, sender, epoch, counter, nonce, ct, sig, received_at)
     SELECT id, 1, 'mallory', 1, 1, randomblob(24), randomblob(40), randomblob(64),
            CAST(strftime('%s', 'now') AS INTEGER) -- received now: not expired at once
     FROM rooms WHERE name = 'yard';"
as alice admit yard >"$T/admit.out" 2>"$T/admit.warn"
assert_eq "" "$(cat "$T/admit.out")" "admitted after the injection"
# Random bytes are not even usable keys; a real key pair without the MAC is
# refused for the MAC (tests/hostile covers that).
assert_contains "$(cat "$T/admit.warn")" "SECURITY: room yard: mallory's"
assert_contains "$(cat "$T/admit.warn")" "not admitted"
as bob members yard >"$T/members"
assert_contains "$(cat "$T/members")" "mallory	refused"
read_as carol
assert_contains "$(cat "$T/carol.warn")" "claims to be from mallory, who was not a member"
grep -q '^\[.*\] mallory:' "$T/carol.read" && fail "mallory's message was shown"

# 5. The newest room state deleted: the relay serves an older one. A
# member walks the history from the revision it holds (protocol v2), so
# the relay can only withhold what follows it; the state held stands (an
# older state served as history: hostile/case05_rollback.sh).
as dave join yard --no-wait </dev/null 2>/dev/null || true
as alice admit yard >/dev/null
as bob read yard >/dev/null # bob accepts the state that lists dave
sql "DELETE FROM states WHERE revision = (SELECT max(revision) FROM states);"
read_as bob
as bob members yard | grep -q "^dave	admitted" || fail "bob forgot dave after the rollback"

# 6. The relay claims carol left (no signed leave, no removal by the
#    creator): the creator keeps her in the room and says so.
sql "UPDATE members SET removed_at = 1 WHERE name = 'carol';"
as alice admit yard >/dev/null 2>"$T/admit.warn" || fail "admit: $(cat "$T/admit.warn")"
assert_contains "$(cat "$T/admit.warn")" "the relay says carol left or was removed, but carol signed no leave"
as alice members yard | grep -q "^carol	admitted" || fail "carol was dropped on the relay's word"
sql "UPDATE members SET removed_at = NULL WHERE name = 'carol';"

# 7. The newest state altered (its history policy) before a newcomer's
#    first sync (protocol v2: a joiner takes its first state on the
#    admission MAC, which only a holder of the password makes): refused,
#    and the newcomer is not admitted on it.
newest=$(sqlite3 "$RELAY_DB" "SELECT max(revision) FROM states")
saved=$(sqlite3 "$RELAY_DB" "SELECT hex(payload) FROM states WHERE revision = $newest")
sql "UPDATE states SET payload = CAST(replace(CAST(payload AS TEXT), '\"history\":\"joined\"',
	'\"history\":\"shared\"') AS BLOB) WHERE revision = $newest;"
rc=0
as erin join yard --no-wait </dev/null 2>"$T/erin.err" || rc=$?
assert_eq 3 "$rc" "a newcomer facing a forged state waits"
assert_contains "$(cat "$T/erin.err")" "it carries no valid admission MAC"
sql "UPDATE states SET payload = X'$saved' WHERE revision = $newest;"

# The honest traffic still flows between the old members.
as carol send yard "still fine"
eventually 60 reads bob yard "still fine" || fail "honest messages stopped"

relay_stop
echo "tamper: ok"

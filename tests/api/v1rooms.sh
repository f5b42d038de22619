#!/usr/bin/env bash
# tests/api/v1rooms.sh - the API catalogue: a database the relay kept
# under protocol v1 (schema version 3: SQLite's user_version, PostgreSQL's
# relay_schema), with a room, its member, state, wrap and message, is
# brought to version 4 when the relay opens it. The v1 room stays
# readable (its parameters say "v":1) and takes no write: each is refused
# with bad_version and a message saying to create the room again. A new
# room on the same database is a v2 one.
# (tests/api/lib.sh says how a case reads).
. "$(dirname "$0")/lib.sh"

# alice's token in the v1 room: 32 bytes of 'A'; the relay keeps its
# BLAKE2b-256
TOLD=$(printf 'A%.0s' $(seq 1 32) | base64 -w0)
HASH=$(printf 'A%.0s' $(seq 1 32) | b2sum -l 256 | cut -c1-64)
KEY=$(printf '%064d' 7)   # 32 bytes, hex (keys, a signature's halves)
SALT=$(printf '%032d' 5)  # 16 bytes, hex
N24=$(printf '%048d' 3)   # 24 bytes, hex (nonces)
BOX=$(printf '%096d' 9)   # 48 bytes, hex (a wrapped key)
NOW=$(date +%s)           # the message is recent: retention keeps it
PAYLOAD=$(printf '{"v":1,"room":"old","creator":"alice","revision":1,"epoch":1,"history":"joined","members":[],"former":[]}' |
	od -An -v -tx1 | tr -d ' \n')

# The rows, as the v1 relay wrote them (hex blobs: X'..' in SQLite,
# '\x..' in PostgreSQL).
v1_rows() { # BLOB-PREFIX BLOB-SUFFIX
	local b=$1 e=$2
	cat <<EOF
INSERT INTO rooms (id, name, v, salt, opslimit, memlimit, access_pk, creator, created_at, n_messages)
 VALUES (1, 'old', 1, ${b}$SALT$e, 2, 67108864, ${b}$KEY$e, 'alice', 1700000000, 1);
INSERT INTO members (room_id, name, v, sign_pk, box_pk, mac, status, token_hash, joined_at)
 VALUES (1, 'alice', 1, ${b}$KEY$e, ${b}$KEY$e, ${b}$KEY$e, 'admitted', ${b}$HASH$e, 1700000000);
INSERT INTO states (room_id, revision, epoch, payload, sig)
 VALUES (1, 1, 1, ${b}$PAYLOAD$e, ${b}$KEY$KEY$e);
INSERT INTO wraps (room_id, member, epoch, nonce, box, sig)
 VALUES (1, 'alice', 1, ${b}$N24$e, ${b}$BOX$e, ${b}$KEY$KEY$e);
INSERT INTO messages (room_id, v, sender, epoch, counter, nonce, ct, sig, received_at)
 VALUES (1, 1, 'alice', 1, 1, ${b}$N24$e, ${b}$BOX$e, ${b}$KEY$KEY$e, $NOW);
EOF
}

if [[ $RELAY_DB == postgresql://* ]]; then
	psql "$RELAY_DB" -X -q -v ON_ERROR_STOP=1 >/dev/null <<EOF || fail "setup: the v1 database"
CREATE TABLE relay_schema (version INTEGER NOT NULL);
INSERT INTO relay_schema (version) VALUES (3);
CREATE TABLE rooms (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, v BIGINT NOT NULL,
 salt BYTEA NOT NULL, opslimit BIGINT NOT NULL, memlimit BIGINT NOT NULL,
 access_pk BYTEA NOT NULL, creator TEXT NOT NULL, created_at BIGINT NOT NULL,
 n_messages BIGINT NOT NULL DEFAULT 0, members_version BIGINT NOT NULL DEFAULT 0);
CREATE TABLE members (room_id BIGINT NOT NULL REFERENCES rooms (id), name TEXT NOT NULL,
 pos BIGSERIAL, v BIGINT NOT NULL, sign_pk BYTEA NOT NULL, box_pk BYTEA NOT NULL,
 mac BYTEA NOT NULL, status TEXT NOT NULL CHECK (status IN ('pending', 'admitted')),
 token_hash BYTEA NOT NULL, joined_at BIGINT NOT NULL, last_counter BIGINT NOT NULL DEFAULT 0,
 removed_at BIGINT, PRIMARY KEY (room_id, name), UNIQUE (room_id, token_hash));
CREATE TABLE challenges (room_id BIGINT NOT NULL REFERENCES rooms (id), nonce BYTEA NOT NULL,
 expires_at BIGINT NOT NULL, PRIMARY KEY (room_id, nonce));
CREATE INDEX challenges_expiry ON challenges (room_id, expires_at);
CREATE TABLE states (room_id BIGINT NOT NULL REFERENCES rooms (id), revision BIGINT NOT NULL,
 epoch BIGINT NOT NULL, payload BYTEA NOT NULL, sig BYTEA NOT NULL,
 PRIMARY KEY (room_id, revision));
CREATE TABLE wraps (room_id BIGINT NOT NULL, member TEXT NOT NULL, epoch BIGINT NOT NULL,
 nonce BYTEA NOT NULL, box BYTEA NOT NULL, sig BYTEA NOT NULL,
 PRIMARY KEY (room_id, member, epoch),
 FOREIGN KEY (room_id, member) REFERENCES members (room_id, name));
CREATE TABLE messages (room_id BIGINT NOT NULL, seq BIGSERIAL, v BIGINT NOT NULL,
 sender TEXT NOT NULL, epoch BIGINT NOT NULL, counter BIGINT NOT NULL, nonce BYTEA NOT NULL,
 ct BYTEA NOT NULL, sig BYTEA NOT NULL, received_at BIGINT NOT NULL,
 PRIMARY KEY (room_id, seq), FOREIGN KEY (room_id, sender) REFERENCES members (room_id, name));
CREATE INDEX messages_room_time ON messages (room_id, received_at);
$(v1_rows "'\\x" "'")
SELECT setval('rooms_id_seq', 1);
EOF
	schema_version() {
		psql "$RELAY_DB" -X -A -t -q -c 'SELECT version FROM relay_schema'
	}
else
	sqlite3 "$RELAY_DB" >/dev/null <<EOF || fail "setup: the v1 database"
PRAGMA journal_mode=WAL;
BEGIN;
CREATE TABLE rooms ( id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, v INTEGER NOT NULL,
 salt BLOB NOT NULL, opslimit INTEGER NOT NULL, memlimit INTEGER NOT NULL,
 access_pk BLOB NOT NULL, creator TEXT NOT NULL, created_at INTEGER NOT NULL,
 n_messages INTEGER NOT NULL DEFAULT 0);
CREATE TABLE members ( room_id INTEGER NOT NULL REFERENCES rooms (id), name TEXT NOT NULL,
 v INTEGER NOT NULL, sign_pk BLOB NOT NULL, box_pk BLOB NOT NULL, mac BLOB NOT NULL,
 status TEXT NOT NULL CHECK (status IN ('pending', 'admitted')),
 token_hash BLOB NOT NULL UNIQUE, joined_at INTEGER NOT NULL,
 last_counter INTEGER NOT NULL DEFAULT 0, removed_at INTEGER, PRIMARY KEY (room_id, name));
CREATE TABLE challenges ( room_id INTEGER NOT NULL REFERENCES rooms (id), nonce BLOB NOT NULL,
 expires_at INTEGER NOT NULL, PRIMARY KEY (room_id, nonce));
CREATE INDEX challenges_expiry ON challenges (expires_at);
CREATE TABLE states ( room_id INTEGER NOT NULL REFERENCES rooms (id),
 revision INTEGER NOT NULL, epoch INTEGER NOT NULL, payload BLOB NOT NULL, sig BLOB NOT NULL,
 PRIMARY KEY (room_id, revision));
CREATE TABLE wraps ( room_id INTEGER NOT NULL, member TEXT NOT NULL, epoch INTEGER NOT NULL,
 nonce BLOB NOT NULL, box BLOB NOT NULL, sig BLOB NOT NULL, PRIMARY KEY (room_id, member, epoch),
 FOREIGN KEY (room_id, member) REFERENCES members (room_id, name));
CREATE TABLE messages ( seq INTEGER PRIMARY KEY AUTOINCREMENT, room_id INTEGER NOT NULL,
 v INTEGER NOT NULL, sender TEXT NOT NULL, epoch INTEGER NOT NULL, counter INTEGER NOT NULL,
 nonce BLOB NOT NULL, ct BLOB NOT NULL, sig BLOB NOT NULL, received_at INTEGER NOT NULL,
 FOREIGN KEY (room_id, sender) REFERENCES members (room_id, name));
CREATE INDEX messages_room_seq ON messages (room_id, seq);
CREATE INDEX messages_room_time ON messages (room_id, received_at);
$(v1_rows "X'" "'")
PRAGMA user_version = 3;
COMMIT;
EOF
	schema_version() {
		sqlite3 -readonly -cmd '.timeout 10000' "$RELAY_DB" 'PRAGMA user_version'
	}
fi
check_eq 3 "$(schema_version)" "setup: a database of schema version 3"

relay_start
check_eq 4 "$(schema_version)" "migration: schema version 4 once the relay opened it"

# ---- reads ----

expect "v1: its parameters" 200 - GET /v1/rooms/old
check_eq "1 old alice" "$(json_get v) $(json_get room) $(json_get creator)" "v1: parameters say v 1"
check_eq "" "$(json_get id)" "v1: no room id"
expect "v1: its state" 200 - GET /v1/rooms/old/state "" "$TOLD"
check_eq "1 " "$(json_get payload:v) $(json_get mac)" "v1: the state as stored, without a mac"
expect "v1: its members" 200 - GET /v1/rooms/old/members "" "$TOLD"
check_eq "1 alice" "$(json_len members) $(json_get members.0.name)" "v1: alice listed"
expect "v1: its wraps" 200 - GET /v1/rooms/old/wraps "" "$TOLD"
check_eq "1 " "$(json_len wraps) $(json_get wraps.0.by)" "v1: the wrap, without by"
expect "v1: its messages" 200 - GET /v1/rooms/old/messages "" "$TOLD"
check_eq 1 "$(json_len messages)" "v1: the message"

# ---- writes: each refused, nothing changed ----

run_table <<'EOF'
v1: a challenge             | 400 | bad_version | POST   | /v1/rooms/old/challenges
v1: a join                  | 400 | bad_version | POST   | /v1/rooms/old/members | $(forge join old bob $PW "$B32")
v1: a state                 | 400 | bad_version | POST   | /v1/rooms/old/state | $(forge state old alice 2 1) | $TOLD
v1: a message               | 400 | bad_version | POST   | /v1/rooms/old/messages | $(forge msg 1 2) | $TOLD
v1: alice leaves            | 400 | bad_version | DELETE | /v1/rooms/old/members/alice | | $TOLD
v1: created again, same name| 409 | room_exists | POST   | /v1/rooms | $(forge create old alice $PW)
EOF
expect "v1: a message, again" 400 bad_version POST /v1/rooms/old/messages "$(forge msg 1 3)" "$TOLD"
check_contains "$(json_get error.message)" "protocol v1: create it again" "v1: the refusal says why"

# ---- a new room on the migrated database ----

expect "v2: a new room" 201 - POST /v1/rooms "$(forge create new alice $PW)"
TNEW=$(json_get token)
expect "v2: its parameters" 200 - GET /v1/rooms/new
check_eq "2 16" "$(json_get v) $(json_get id | base64 -d | wc -c)" "v2: v 2 with an id"
join_room TB new bob $PW
admit new "$TNEW" alice 2 1 bob
expect "v2: bob posts" 201 - POST /v1/rooms/new/messages "$(forge msg 1 1)" "$TB"

checks_done api-v1rooms

#!/usr/bin/env bash
# bench/fill.sh DB ROOM COUNT: add COUNT messages (300 random bytes of
# "ciphertext" each, from the room's creator) to ROOM straight into the
# relay's SQLite database, in one transaction: far faster than posting
# them, and the rows are exactly what posting would store. The relay may
# be running (SQLite locks the file).
# The room's message count (rooms.n_messages, by which --max-messages
# trims) is set to match: without it the relay would take the filled room
# for an empty one and trim nothing until 100,000 more posts.
set -euo pipefail
db=$1 room=$2 count=$3
sqlite3 "$db" <<SQL
PRAGMA busy_timeout = 10000;
BEGIN IMMEDIATE;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $count)
INSERT INTO messages (room_id, v, sender, epoch, counter, nonce, ct, sig, received_at)
SELECT r.id, 1, r.creator, 1, i, randomblob(24), randomblob(300), randomblob(64),
       CAST(strftime('%s') AS INTEGER)
FROM c, (SELECT id, creator FROM rooms WHERE name = '$room') AS r;
UPDATE members SET last_counter = $count
 WHERE room_id = (SELECT id FROM rooms WHERE name = '$room') AND name = 'alice';
UPDATE rooms SET n_messages = (SELECT count(*) FROM messages WHERE room_id = rooms.id)
 WHERE name = '$room';
COMMIT;
SQL
echo "fill: $(sqlite3 "$db" "SELECT count(*) FROM messages m JOIN rooms r ON r.id = m.room_id WHERE r.name = '$room'") messages in $room"

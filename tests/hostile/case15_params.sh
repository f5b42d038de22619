#!/usr/bin/env bash
# Case 15: the relay changes the room's salt or Argon2id limits (in its
# database, or on the wire). A newcomer facing limits below the floor (or
# above the ceiling) refuses to derive: exit 7 and a SECURITY line, and it
# registers nothing. An existing member warns that the room parameters
# changed, derives nothing, and keeps working with the keys it has.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 yard
as bob send yard "before the change"
as carol read yard >/dev/null 2>&1
read -r ops mem salt <<<"$(q "SELECT opslimit, memlimit, hex(salt) FROM rooms WHERE name = 'yard'" |
	tr '|' ' ')"

# refused TAG NAME: NAME's first join is refused before deriving.
refused() {
	run_as "$2" "$1" join yard --no-wait
	status_is 7 "$1"
	warned "$1" "room yard asks for password hashing parameters outside the allowed bounds"
	assert_eq 0 "$(q "SELECT count(*) FROM members WHERE name = '$2'")" "$2 registered"
}
# warns TAG: carol's read warns that the parameters changed, and works.
warns() {
	run_as carol "$1" read yard
	status_is 0 "$1"
	warned "$1" "room yard: the room parameters on the relay differ from the signed ones"
	shown "$1" "bob: before the change"
}

sql "UPDATE rooms SET opslimit = 1 WHERE name = 'yard';"
refused low_ops dave
warns low_ops.carol
grep 'SECURITY: ' "$T/low_ops.carol.err" | grep -q "below the floor" ||
	miss "carol's warning does not say the limits are below the floor: $(cat "$T/low_ops.carol.err")"
sql "UPDATE rooms SET opslimit = $ops, memlimit = 8192 WHERE name = 'yard';"
refused low_mem erin
sql "UPDATE rooms SET opslimit = 4294967295, memlimit = $mem WHERE name = 'yard';"
refused high_ops frank

# A new salt within the bounds: a newcomer cannot tell, derives other keys
# and is refused by the relay as with a wrong password; members warn.
sql "UPDATE rooms SET opslimit = $ops, salt = randomblob(16) WHERE name = 'yard';"
warns salt.carol
run_as gina salt join yard --no-wait
status_is 4 salt
assert_eq 0 "$(q "SELECT count(*) FROM members WHERE name = 'gina'")" "gina registered"

# The same on the wire, the database honest again.
sql "UPDATE rooms SET salt = X'$salt' WHERE name = 'yard';"
rules "GET /v1/rooms/yard set-field opslimit 1"
refused wire_ops heidi
rules "GET /v1/rooms/yard set-field memlimit 1024"
refused wire_mem ivan

# The members carry on.
honest
as bob send yard "after the change"
run_as carol after read yard
status_is 0 after
shown after "bob: after the change"
relay_serves
hostile_done case15_params

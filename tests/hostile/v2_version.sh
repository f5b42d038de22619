#!/usr/bin/env bash
# Protocol v2, versioning (issue 12, item 9): never a silent downgrade.
# A room the relay holds from protocol v1 is refused to a joiner with what
# to do; a v2 room the relay suddenly calls v1 is refused to its members
# (SECURITY); a room file written by a v1 client is refused with what to
# do, not read as damaged.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 attic
key=$(q "SELECT hex(room_key) FROM rooms WHERE name = 'attic'")
sql "UPDATE rooms SET v = 1, room_key = NULL WHERE name = 'attic'"
run_as erin joiner join attic --no-wait
status_is 1 joiner
grep -q "another protocol version.*its creator must create it again" "$T/joiner.err" && pass ||
	miss "the joiner was not told what to do: $(cat "$T/joiner.err")"
run_as bob member read attic
status_is 7 member
grep -q "of another protocol version" "$T/member.err" && pass ||
	miss "bob was not told: $(cat "$T/member.err")"
sql "UPDATE rooms SET v = 2, room_key = X'$key' WHERE name = 'attic'"

file=$(find "$T/carol/rooms" -name attic.json)
sed -i 's/"v":2,/"v":1,/' "$file"
run_as carol oldfile read attic
status_is 1 oldfile
grep -q "written for protocol v1" "$T/oldfile.err" && pass ||
	miss "carol was not told her room file is from v1: $(cat "$T/oldfile.err")"
relay_serves
hostile_done v2_version

#!/usr/bin/env bash
# Protocol v2, room identity (issue 12, item 1): the relay's operator
# deletes a room and someone creates it again under the same name (another
# password, other creator keys). Every transcript binds the room id fixed
# at creation: a member of the old room is told the room it joined is
# gone (SECURITY, exit 7) and reads nothing of the new one; a member of
# the new room accepts no record of the old one served back.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 den
as bob send den "in the first den"
bob_token=$(grep -o '"token":"[^"]*"' "$(find "$T/bob/rooms" -name den.json)" | cut -d'"' -f4)
curl_json GET /v1/rooms/den/state "" "$bob_token"
old_state=$BODY
curl_json GET "/v1/rooms/den/messages?after=0" "" "$bob_token"
old_messages=$BODY

rid=$(q "SELECT id FROM rooms WHERE name = 'den'")
sql "DELETE FROM messages WHERE room_id = $rid; DELETE FROM wraps WHERE room_id = $rid;
     DELETE FROM states WHERE room_id = $rid; DELETE FROM challenges WHERE room_id = $rid;
     DELETE FROM members WHERE room_id = $rid; DELETE FROM rooms WHERE id = $rid;"
E2E_CHAT_PASSWORD=another-password-9 as mallory join den </dev/null >/dev/null 2>&1
E2E_CHAT_PASSWORD=another-password-9 as mallory send den "in the second den"

run_as bob again read den
status_is 7 again
warned again "is not the room you joined"
not_shown again "in the second den"

# The old room's records served to the new room's member: refused.
rules "GET /v1/rooms/den/states body {\"states\":[$old_state]}" \
	"GET /v1/rooms/den/messages body $old_messages"
E2E_CHAT_PASSWORD=another-password-9 run_as mallory served read den
warned served "it is for another room"
not_shown served "in the first den"
honest
relay_serves
hostile_done v2_identity

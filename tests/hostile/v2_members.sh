#!/usr/bin/env bash
# Protocol v2, the member view comes from the signed state (issue 12,
# item 8): the relay's member list leaves out carol, who holds every key.
# bob still lists her, and is told the relay left her out; a name the
# relay adds as "admitted" without a signed state is not a member.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 nook
bob_token=$(grep -o '"token":"[^"]*"' "$(find "$T/bob/rooms" -name nook.json)" | cut -d'"' -f4)
curl_json GET /v1/rooms/nook/members "" "$bob_token"
without_carol=$(printf '%s' "$BODY" | python3 -c '
import json, sys
d = json.load(sys.stdin)
d["members"] = [m for m in d["members"] if m["name"] != "carol"]
print(json.dumps(d, separators=(",", ":")))')
rules "GET /v1/rooms/nook/members body $without_carol"
run_as bob list members nook
status_is 0 list
grep -q "^carol	admitted" "$T/list.out" && pass || miss "carol not listed: $(cat "$T/list.out")"
warned list "the relay's member list leaves out carol"
honest
relay_serves
hostile_done v2_members

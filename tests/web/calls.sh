#!/usr/bin/env bash
# Issue 14: the web UI's local API calls with real curl (client/web/
# webapi.h): create and join with the password sent once, the refusals
# (no password, a wrong one, not admitted yet, not the creator), the
# creator's approve and rotate, verify and accept, protocol v2's admin
# actions (admin, kick and ban, unban, password), a line queued while the
# relay is away and sent once it is back, and leave.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"
. "$(dirname "$0")/lib.sh"

relay_start
web_start alice
web_start bob

web_call alice join '{"room":"yard"}'
check_eq 400 "$STATUS" "creating without a password"
check_contains "$BODY" "type the password of yard" "creating without a password: message"
web_call alice join '{"room":"yard","password":"short"}'
check_eq 400 "$STATUS" "a password under 8 bytes"
web_call alice join "{\"room\":\"yard\",\"password\":\"$PASSWORD\",\"approve\":true}"
check_eq 200 "$STATUS" "alice creates yard ($BODY)"
check_contains "$BODY" '"admin":true' "alice is yard's admin"
check_contains "$BODY" '"admitted":true' "the creator is admitted at once"

web_call bob join '{"room":"yard","password":"not the password"}'
check_eq 403 "$STATUS" "bob's wrong password"
check_contains "$BODY" '"error":"wrong_password"' "bob's wrong password: error"
web_call bob join "{\"room\":\"yard\",\"password\":\"$PASSWORD\"}"
check_eq 200 "$STATUS" "bob joins yard ($BODY)"
check_contains "$BODY" '"admitted":false' "bob waits for approval"
web_call bob send '{"room":"yard","text":"too early"}'
check_eq 409 "$STATUS" "sending before admission"
web_call bob approve '{"room":"yard","name":"bob"}'
check_eq 400 "$STATUS" "bob cannot approve"
check_contains "$BODY" "only an admin of room" "bob cannot approve: message"

pending() { web_call alice members '{"room":"yard"}' && [[ $BODY == *'"name":"bob","status":"pending"'* ]]; }
eventually 60 pending || fail "alice's list never had bob pending: $BODY"
web_call alice approve '{"room":"yard","name":"bob"}'
check_eq 200 "$STATUS" "alice approves bob ($BODY)"
admitted() { web_events bob 0 && [[ $BODY == *'"admitted":true'* ]]; }
eventually 60 admitted || fail "bob's web never saw itself admitted: $BODY"
# a second room open in alice's web: both are stepped (a room each)
web_call alice join "{\"room\":\"patio\",\"password\":\"$PASSWORD\"}"
check_eq 200 "$STATUS" "alice creates patio too ($BODY)"
web_call alice send '{"room":"patio","text":"alone on the patio"}'
check_eq 200 "$STATUS" "alice sends to patio"
patio() { web_events alice 0 && [[ $BODY == *'"text":"alone on the patio","type":"message","room":"patio"'* ]]; }
eventually 60 patio || fail "alice's web never showed her patio message: $BODY"
web_call bob send '{"room":"yard","text":"hello alice"}'
check_eq 200 "$STATUS" "bob sends"
got() { web_events alice 0 && [[ $BODY == *'"sender":"bob"'*'"text":"hello alice"'* ]]; }
eventually 60 got || fail "alice's web never got bob's message: $BODY"

web_call bob verify '{"room":"yard","name":"alice"}'
check_eq 200 "$STATUS" "bob verifies alice"
check_contains "$BODY" '"trust":"unverified"' "alice not verified yet"
fp=$(sed -n 's/.*"fingerprint":"\([0-9a-f ]*\)".*/\1/p' <<<"$BODY")
web_call alice members '{"room":"yard"}'
check_contains "$BODY" "\"name\":\"alice\",\"status\":\"admitted\",\"trust\":\"unverified\",\"fingerprint\":\"$fp\"" \
	"the fingerprint bob sees is the one alice's list shows"
web_call bob verify '{"room":"yard","name":"alice","accept":true}'
check_contains "$BODY" '"trust":"verified"' "bob accepted alice"
as bob verify yard alice >"$T/verify.out" 2>&1 || fail "bob's verify verb: $(cat "$T/verify.out")"
check_contains "$(cat "$T/verify.out")" "verified" "the verify verb sees the web's accept"

web_call alice rotate '{"room":"yard"}'
check_eq 200 "$STATUS" "alice rotates"
rotated() { web_events alice 0 && [[ $BODY == *'"notice":"epoch_began"'* ]]; }
eventually 60 rotated || fail "alice's web never told the new epoch: $BODY"
web_call bob rotate '{"room":"yard"}'
check_eq 400 "$STATUS" "bob cannot rotate"

# the relay away: a line is queued, the page is told (connection state,
# queue), and it goes out once the relay is back
port=$RELAY_PORT
relay_stop
web_call bob send '{"room":"yard","text":"while the relay was away"}'
check_eq 200 "$STATUS" "a send while the relay is away is kept ($BODY)"
told() { web_events bob 0 && [[ $BODY == *'"notice":"queued","value":1'* && $BODY == *'"notice":"relay_away"'* ]]; }
eventually 60 told || fail "bob's web never told the queue and the relay away: $BODY"
relay_start --port "$port"
sent() { web_events bob 0 && [[ $BODY == *'"notice":"queue_sent"'* && $BODY == *'"notice":"relay_back"'* ]]; }
eventually 60 sent || fail "bob's web never told the queue sent: $BODY"
arrived() { web_events alice 0 && [[ $BODY == *'"text":"while the relay was away"'* ]]; }
eventually 60 arrived || fail "alice's web never got the queued line: $BODY"

# Protocol v2's admin actions (issue 12): carol, admitted through the CLI,
# is made an admin, then not; kicked (and banned) and unbanned by her
# fingerprint; the room password changed from the page: the old one stops
# working for new joins, the new one works.
as carol join yard --no-wait </dev/null >/dev/null 2>&1 || true
web_call alice approve '{"room":"yard","name":"carol"}'
check_eq 200 "$STATUS" "alice approves carol"
carol_in() { web_call alice members '{"room":"yard"}' && [[ $BODY == *'"name":"carol","status":"admitted"'* ]]; }
eventually 60 carol_in || fail "carol never admitted: $BODY"
web_call alice admin '{"room":"yard","name":"carol"}'
check_eq 200 "$STATUS" "alice makes carol an admin ($BODY)"
web_call alice members '{"room":"yard"}'
check_contains "$BODY" '"name":"carol","status":"admitted","trust":"unverified",' "carol listed"
[[ $BODY == *'"name":"carol"'*'"admin":true'* ]] && pass || miss "carol is not listed as an admin: $BODY"
as carol rotate yard >/dev/null 2>&1 && pass || miss "carol, an admin, cannot rotate"
web_call alice admin '{"room":"yard","name":"carol","remove":true}'
check_eq 200 "$STATUS" "carol is no longer an admin"
web_call alice kick '{"room":"yard","name":"carol"}'
check_eq 200 "$STATUS" "alice kicks carol ($BODY)"
web_call alice members '{"room":"yard"}'
check_contains "$BODY" '"banned":[{"name":"carol","fingerprint":"' "carol is on the ban list"
carol_fp=$(sed -n 's/.*"banned":\[{"name":"carol","fingerprint":"\([0-9a-f ]*\)".*/\1/p' <<<"$BODY")
web_call alice unban "{\"room\":\"yard\",\"who\":\"$carol_fp\"}"
check_eq 200 "$STATUS" "alice unbans carol by fingerprint ($BODY)"
web_call alice members '{"room":"yard"}'
check_contains "$BODY" '"banned":[]' "the ban list is empty again"
web_call bob password '{"room":"yard","password":"a new password 7"}'
check_eq 400 "$STATUS" "bob, no admin, cannot change the password"
web_call alice password '{"room":"yard","password":"a new password 7"}'
check_eq 200 "$STATUS" "alice changes the password ($BODY)"
rc=0
E2E_CHAT_PASSWORD=$PASSWORD as dave join yard --no-wait </dev/null >/dev/null 2>&1 || rc=$?
check_eq 4 "$rc" "dave with the old password"
rc=0
E2E_CHAT_PASSWORD='a new password 7' as dave join yard --no-wait </dev/null >/dev/null 2>&1 || rc=$?
check_eq 3 "$rc" "dave with the new password waits for approval"

web_call bob leave '{"room":"yard"}'
check_eq 200 "$STATUS" "bob leaves ($BODY)"
web_call bob open '{"room":"yard"}'
check_eq 404 "$STATUS" "bob's yard after leaving"
web_call bob state '{}'
check_contains "$BODY" '"room":"yard","role":"gone"' "bob's rooms after leaving"
gone() { web_call alice members '{"room":"yard"}' && [[ $BODY != *'"name":"bob","status":"admitted"'* ]]; }
eventually 60 gone || fail "bob still admitted in alice's list: $BODY"

web_stop alice
web_stop bob
checks_done web_calls

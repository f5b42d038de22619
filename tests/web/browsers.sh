#!/usr/bin/env bash
# Issue 14: three users, each with its own profile, `e2e-chat web` and a
# real headless Chromium (tests/web/browsers.py, python3-selenium), and
# a fourth on the command line: create, join, approval, chat both ways,
# verification, a kick shown in the kicked browser, a SECURITY: line shown
# in the page's red band. Skipped (77), saying
# why, only when chromium is not installed.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"
. "$(dirname "$0")/lib.sh"

if ! command -v chromium >/dev/null 2>&1; then
	echo "SKIP: chromium is not installed (scripts/install-deps installs chromium," \
		"chromium-driver and python3-selenium)"
	exit 77
fi
command -v chromedriver >/dev/null 2>&1 || fail "chromium is here but chromedriver is not (chromium-driver)"
python3 -c 'import selenium' 2>/dev/null || fail "chromium is here but python3-selenium is not"
: "${E2E_WEB_SHOTS:=$T/shots}"
export E2E_WEB_SHOTS
rm -f "$E2E_WEB_SHOTS"/*.png

relay_start
for u in alice bob carol; do web_start "$u"; done
rc=0
T=$T PASSWORD=$PASSWORD RELAY_URL=$RELAY_URL RELAY_PID=$RELAY_PID RELAY_PORT=$RELAY_PORT \
	RELAY_DB=$RELAY_DB ALICE_URL=$alice_web_url BOB_URL=$bob_web_url \
	CAROL_URL=$carol_web_url HOME=$T timeout 540 python3 "$(dirname "$0")/browsers.py" || rc=$?
RELAY_PID= # browsers.py stopped it, and stopped the relay it started in its place
for u in alice bob carol; do
	grep -q 'AddressSanitizer\|runtime error' "$T/$u.web.err" &&
		{ echo "FAIL: $u's e2e-chat web:" >&2; cat "$T/$u.web.err" >&2; rc=1; }
done
[ "$rc" = 0 ] || { for u in alice bob carol; do echo "--- $u" >&2; tail -n 15 "$T/$u.web.err" >&2; done; }
assert_eq 0 "$rc" "browsers.py"
for u in alice bob carol; do
	[ -s "$E2E_WEB_SHOTS/$u.png" ] || fail "no screenshot of $u's browser"
	web_stop "$u"
done
echo "web_browsers: screenshots in $E2E_WEB_SHOTS"

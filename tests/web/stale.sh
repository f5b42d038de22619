#!/usr/bin/env bash
# A page left open after its `e2e-chat web` stopped sends nothing to
# what listens on the port next (another local user's server, say): it
# says its server stopped and takes no room password (tests/web/stale.py,
# real headless Chromium). Skipped (77), saying why, only when chromium
# is not installed.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"
. "$(dirname "$0")/lib.sh"

if ! command -v chromium >/dev/null 2>&1; then
	echo "SKIP: chromium is not installed (scripts/install-deps installs chromium," \
		"chromium-driver and python3-selenium)"
	exit 77
fi
relay_start
web_start bob
coproc STALE { T=$T BOB_URL=$bob_web_url HOME=$T timeout 200 python3 "$(dirname "$0")/stale.py"; }
read -r -t 120 line <&"${STALE[0]}" || fail "stale.py never loaded the page"
assert_eq stop "$line" "stale.py's word"
web_stop bob
echo done >&"${STALE[1]}"
rc=0
wait "$STALE_PID" || rc=$?
check_eq 0 "$rc" "stale.py: the stale page sent nothing to the port's new listener"
checks_done web_stale

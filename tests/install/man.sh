#!/usr/bin/env bash
# Issue 17: the man pages e2e-chat(1) and relay(8), as built: `man -l`
# renders them without a warning, with every section the issue asks for
# and every option that --help lists. A page with a broken macro does
# warn (so this test can fail).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
: "${E2E_MAN_CLIENT:?}" "${E2E_MAN_RELAY:?}"

render() { # PAGE: the text in $T/page.txt, warnings in $T/page.warn
	MANWIDTH=80 man --warnings -l "$1" >"$T/page.txt" 2>"$T/page.warn"
}

page_ok() { # PAGE PROGRAM SECTIONS...
	local page=$1 prog=$2 section opt
	shift 2
	render "$page" || fail "man -l $page failed: $(cat "$T/page.warn")"
	check_eq "" "$(cat "$T/page.warn")" "warnings of man -l $page"
	for section in NAME SYNOPSIS DESCRIPTION "$@" OPTIONS FILES ENVIRONMENT "EXIT STATUS" \
		EXAMPLES "SEE ALSO"; do
		check_eq 1 "$(grep -c "^$section\$" "$T/page.txt")" "section $section of $page"
	done
	for opt in $("$prog" --help | grep -oE -- '^  (-[a-zA-Z], |    )--[a-z][a-z-]*' |
		grep -o -- '--.*' | sort -u); do
		grep -q -- "^ *\(-[a-zA-Z], \)\?$opt\b" "$T/page.txt" || miss "$page lacks $opt"
		pass
	done
}

page_ok "$E2E_MAN_CLIENT" "$E2E_CLIENT" VERBS "CHAT COMMANDS"
check_contains "$(cat "$T/page.txt")" "Verbs: read, members, rooms." "--json's verbs in e2e-chat(1)"
page_ok "$E2E_MAN_RELAY" "$E2E_RELAY"
check_contains "$(cat "$T/page.txt")" "Default: 8000." "--port's default in relay(8)"

# the check can fail: an unknown macro, an unknown escape
sed -e 's/^\.SH EXAMPLES/.XX EXAMPLES/' -e 's/^\(\.TH .*\)/\1\n\\q/' "$E2E_MAN_RELAY" >"$T/broken.8"
render "$T/broken.8" || true
check_contains "$(cat "$T/page.warn")" "warning" "man --warnings on a broken page"
checks_done man

#!/usr/bin/env bash
# tests/tools/commands.sh - the programs the tests may run (tests/commands.txt).
#
#   commands.sh path DIR   make DIR hold a link to each listed program (a
#                          one-line wrapper for a script), as
#                          found in the system's own directories (never
#                          /usr/local or a user's PATH), and nothing else;
#                          scripts/test puts DIR alone on the suites' PATH.
#                          Fails naming every listed program it cannot find.
#   commands.sh check      the test `commands`: each listed program exists
#                          and belongs to the package the list names, and
#                          that package is one scripts/install-deps installs
#                          (or a direct dependency of one), or one that every
#                          Debian has (Essential, or Priority: required).
#
# Lines of tests/commands.txt: COMMAND PACKAGE[|PACKAGE] USED-BY...; an
# entry whose USED-BY includes "optional" may be missing.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
list=$here/tests/commands.txt
# PostgreSQL's server programs (initdb, pg_ctl) live in its versioned
# directory, which Debian never puts on the PATH: the last one counts
# (a glob, not ls: this runs on the tests' narrow PATH too)
pg_bin=
for d in /usr/lib/postgresql/*/bin; do
	[ -d "$d" ] && pg_bin=$d
done
system_path=/usr/sbin:/usr/bin:/sbin:/bin${pg_bin:+:$pg_bin}

entries() { # prints "command package-pattern optional(0|1)" lines
	local cmd pkg rest
	while read -r cmd pkg rest; do
		[[ -z $cmd || $cmd == \#* ]] && continue
		[[ " $rest " == *" optional "* ]] && echo "$cmd $pkg 1" || echo "$cmd $pkg 0"
	done <"$list"
}

locate() { # COMMAND: its path in the system's directories, or nothing
	PATH=$system_path command -v "$1" 2>/dev/null || true
}

# owner PATH: the package that installed PATH; usrmerge moved /bin and
# /sbin into /usr, and dpkg may still know a file by its old name. An
# alternative (/usr/bin/awk) belongs to nobody: then its target's owner.
owner() {
	local p=$1 try
	for try in "$p" "${p/#\/usr\/bin\//\/bin\/}" "${p/#\/usr\/sbin\//\/sbin\/}" \
		"$(readlink -f "$p")"; do
		dpkg-query -S "$try" 2>/dev/null | grep -v '^diversion by' |
			sed -n '1s/:.*//p' | grep . && return 0
	done
	return 1
}

make_path() {
	local dir=$1 cmd pkg optional found missing=()
	rm -rf "$dir"
	mkdir -p "$dir"
	while read -r cmd pkg optional; do
		found=$(locate "$cmd")
		if [ -n "$found" ] && [ "$(head -c 2 "$(readlink -f "$found")")" = '#!' ]; then
			# a script may find its own parts through $0 (valgrind
			# runs "$0.bin"): called by its own name, not a link's
			printf '#!/bin/sh\nexec %s "$@"\n' "$found" >"$dir/$cmd"
			chmod +x "$dir/$cmd"
		elif [ -n "$found" ]; then
			ln -s "$found" "$dir/$cmd"
		elif [ "$optional" = 0 ]; then
			missing+=("$cmd ($pkg)")
		fi
	done < <(entries)
	if [ ${#missing[@]} -gt 0 ]; then
		echo "commands: not installed: ${missing[*]} (scripts/install-deps installs them)" >&2
		return 1
	fi
}

check() {
	local cmd pattern optional found pkg bad=0 n=0 allowed p
	# what install-deps installs, and the direct dependencies of those
	allowed=" $("$here/scripts/install-deps" --list | tr '\n' ' ')"
	for p in $allowed; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			{ echo "FAIL: $p, which scripts/install-deps installs, is not installed"; bad=1; }
	done
	allowed+=" $({ dpkg-query -W -f='${Depends}, ${Pre-Depends}\n' $allowed 2>/dev/null || true; } |
		tr ',|' '\n\n' | sed 's/(.*//; s/:any//; s/^ *//; s/ *$//' | sort -u | tr '\n' ' ') "
	while read -r cmd pattern optional; do
		n=$((n + 1))
		found=$(locate "$cmd")
		if [ -z "$found" ]; then
			[ "$optional" = 1 ] && continue
			echo "FAIL: $cmd is not installed (it should come from $pattern)"
			bad=1
			continue
		fi
		pkg=$(owner "$found") || pkg=
		if [ -z "$pkg" ]; then
			echo "FAIL: $cmd ($found) belongs to no Debian package"
			bad=1
		elif [[ "|$pattern|" != *"|$pkg|"* ]]; then
			echo "FAIL: $cmd comes from $pkg; tests/commands.txt says $pattern"
			bad=1
		elif [[ $allowed != *" $pkg "* ]] &&
			! dpkg-query -W -f='${Essential} ${Priority}' "$pkg" | grep -Eq '^yes|required'; then
			echo "FAIL: $cmd comes from $pkg, which scripts/install-deps does not install"
			bad=1
		fi
	done < <(entries)
	[ "$bad" = 0 ] || return 1
	echo "commands: $n programs, each from a package that scripts/install-deps installs or every Debian has"
}

case "${1-}" in
path) [ $# -eq 2 ] || { echo "usage: $0 path DIR" >&2; exit 2; }; make_path "$2" ;;
check) check ;;
*) echo "usage: $0 path DIR | check" >&2; exit 2 ;;
esac

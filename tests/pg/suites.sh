#!/usr/bin/env bash
# tests/pg/suites.sh KIND - suites of tests/KIND once more, with the relay
# on PostgreSQL: one private server (tests/pg/lib.sh), a new database per
# suite, each suite run as it is with RELAY_DB set to the database's URL
# (relay_start passes it to --db; tests/api/lib.sh reads the tables back
# through psql). Left out are the suites that open the SQLite file
# themselves: api/relay.sh (its mode, :memory:) and integration's
# blindness, kick, retention, tamper and tls (they read or edit rows with
# sqlite3), and the suites that run alone (slowloris).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

case "${1-}" in
api) suites=(rooms members states messages limits caches v1rooms) ;;
integration)
	suites=(chat offline_creator passwords restart cli leave rotation history trust approve
		passphrase limits terminal longpoll longpoll_restart)
	;;
*) fail "usage: suites.sh api|integration" ;;
esac
kind=$1

pg_start
failed=()
for s in "${suites[@]}"; do
	url=$(pg_createdb "${kind}_$s")
	if RELAY_DB=$url bash "$(dirname "$0")/../$kind/$s.sh" >"$T/$s.log" 2>&1; then
		echo "pg $kind $s: $(tail -n 1 "$T/$s.log")"
	else
		cat "$T/$s.log" >&2
		failed+=("$s")
	fi
done
[ ${#failed[@]} = 0 ] || fail "$kind suites failed on PostgreSQL: ${failed[*]}"
echo "pg $kind: ${#suites[@]} suites passed on PostgreSQL (${suites[*]})"

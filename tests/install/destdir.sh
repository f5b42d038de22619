#!/usr/bin/env bash
# Issue 17: `meson install --destdir` puts the programs, the man pages,
# the systemd unit and the two configuration files where README.md says
# (for this build's prefix), with their modes; a second install keeps an
# operator's edits of the configuration files. The unit runs the
# installed relay.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
: "${E2E_BUILD_ROOT:?}" "${E2E_PREFIX:?}" "${E2E_SYSCONFDIR:?}" "${E2E_MANDIR:?}" "${E2E_UNITDIR:?}"

root=$T/root
meson install -C "$E2E_BUILD_ROOT" --no-rebuild --destdir "$root" >"$T/install.log" 2>&1 ||
	fail "meson install: $(tail -5 "$T/install.log")"
want=(
	"$E2E_PREFIX/bin/relay 755"
	"$E2E_PREFIX/bin/e2e-chat 755"
	"$E2E_MANDIR/man1/e2e-chat.1 644"
	"$E2E_MANDIR/man8/relay.8 644"
	"$E2E_UNITDIR/e2e-chat-relay.service 644"
	"$E2E_SYSCONFDIR/default/e2e-chat-relay 644"
	"$E2E_SYSCONFDIR/e2e-chat/relay.conf 640"
)
for w in "${want[@]}"; do
	set -- $w
	if [ -f "$root$1" ]; then
		check_eq "$2" "$(stat -c %a "$root$1")" "mode of $1"
	else
		miss "not installed: $1"
	fi
done
check_eq 1 "$(grep -c "^ExecStart=$E2E_PREFIX/bin/relay " "$root$E2E_UNITDIR/e2e-chat-relay.service")" \
	"the unit runs the installed relay"
check_eq 1 "$(grep -c "^EnvironmentFile=-$E2E_SYSCONFDIR/default/e2e-chat-relay\$" \
	"$root$E2E_UNITDIR/e2e-chat-relay.service")" "the unit reads the installed environment file"
"$root$E2E_PREFIX/bin/relay" --version >/dev/null || miss "the installed relay does not run"
pass

# an operator's edits survive the next install
echo "quiet" >>"$root$E2E_SYSCONFDIR/e2e-chat/relay.conf"
echo "RELAY_OPTS=--threads 2" >>"$root$E2E_SYSCONFDIR/default/e2e-chat-relay"
meson install -C "$E2E_BUILD_ROOT" --no-rebuild --destdir "$root" >"$T/install2.log" 2>&1 ||
	fail "second meson install: $(tail -5 "$T/install2.log")"
check_eq quiet "$(tail -1 "$root$E2E_SYSCONFDIR/e2e-chat/relay.conf")" "relay.conf after a reinstall"
check_eq "RELAY_OPTS=--threads 2" "$(tail -1 "$root$E2E_SYSCONFDIR/default/e2e-chat-relay")" \
	"the environment file after a reinstall"

# README.md names these places for a system-wide install (--prefix=/usr)
readme=$(dirname "$0")/../../README.md
for path in /usr/bin/relay /usr/bin/e2e-chat /usr/share/man/man1/e2e-chat.1 \
	/usr/share/man/man8/relay.8 /usr/lib/systemd/system/e2e-chat-relay.service \
	/etc/default/e2e-chat-relay /etc/e2e-chat/relay.conf /var/lib/e2e-chat-relay/relay.db; do
	if grep -qF -- "$path" "$readme"; then pass; else miss "README.md does not name $path"; fi
done
checks_done destdir

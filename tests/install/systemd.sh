#!/usr/bin/env bash
# Issue 17: e2e-chat-relay.service, as built. `systemd-analyze verify`
# passes on a copy whose ExecStart is the built relay (it needs the
# program to exist), and says nothing; a copy with a mistake fails it (so
# this test can fail). The unit holds what the issue asks for, and the
# options file it hands the relay (packaging/relay.conf) is one the relay
# runs with.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
: "${E2E_UNIT:?}" "${E2E_RELAY_CONF:?}"

mkdir "$T/units"
sed "s#^ExecStart=[^ ]*/relay #ExecStart=$E2E_RELAY #" "$E2E_UNIT" >"$T/units/e2e-chat-relay.service"
grep -q "^ExecStart=$E2E_RELAY --config %d/relay.conf \$RELAY_OPTS\$" \
	"$T/units/e2e-chat-relay.service" || fail "ExecStart not as expected: $(grep ExecStart "$E2E_UNIT")"
rc=0
systemd-analyze verify --man=no "$T/units/e2e-chat-relay.service" >"$T/verify.out" 2>&1 || rc=$?
check_eq 0 "$rc" "systemd-analyze verify"
check_eq "" "$(cat "$T/verify.out")" "what systemd-analyze verify says"

for line in DynamicUser=yes StateDirectory=e2e-chat-relay ProtectSystem=strict \
	NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes 'CapabilityBoundingSet=' \
	'EnvironmentFile=-.*/default/e2e-chat-relay' 'LoadCredential=relay.conf:.*/e2e-chat/relay.conf'; do
	check_eq 1 "$(grep -c "^$line\$" "$E2E_UNIT")" "$line in the unit"
done

# its exposure as systemd rates it (0 best, 10 worst; --threshold counts tenths): 1.2 when written
rc=0
systemd-analyze security --offline=yes --threshold=20 --no-pager \
	"$T/units/e2e-chat-relay.service" >"$T/security.out" 2>&1 || rc=$?
check_eq 0 "$rc" "systemd-analyze security --threshold=20 (2.0): $(grep Overall "$T/security.out")"

# the check can fail
sed -e 's/^ProtectSystem=strict/ProtectSystem=strictly/' -e 's/^PrivateTmp=yes/PrivateTemp=yes/' \
	"$T/units/e2e-chat-relay.service" >"$T/units/broken.service"
systemd-analyze verify --man=no "$T/units/broken.service" >"$T/broken.out" 2>&1 || true
check_contains "$(cat "$T/broken.out")" "PrivateTemp" "systemd-analyze on a broken unit"
check_contains "$(cat "$T/broken.out")" "strictly" "systemd-analyze on a broken unit"

# the shipped options file runs a relay (its database moved here)
cp "$E2E_RELAY_CONF" "$T/relay.conf"
chmod 640 "$T/relay.conf"
relay_start --config "$T/relay.conf"
check_contains "$(cat "$T/relay.log")" "listening on http://127.0.0.1:" "a relay on the shipped relay.conf"
relay_stop
checks_done systemd

#!/usr/bin/env bash
# HTTPS: a throwaway CA and certificate made at test time, the whole chat
# over TLS, and the failures that must be clear: a certificate from
# another CA, a wrong pin, TLS below 1.2, a key file others can read, and
# plain HTTP beyond loopback on either side.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/client.sh"
command -v openssl >/dev/null || fail "openssl is needed (scripts/install-deps installs it)"

cd "$T"
ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$1.key" -out "$1.pem" -days 2 -subj "/CN=$1" 2>/dev/null
}
ca ca
ca otherca
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout relay.key \
	-out relay.csr -subj /CN=localhost 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >ext
openssl x509 -req -in relay.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out relay.pem \
	-days 2 -extfile ext 2>/dev/null
chmod 600 relay.key
pin=$(openssl x509 -in relay.pem -pubkey -noout | openssl pkey -pubin -outform der |
	openssl dgst -sha256 -binary | base64)

# The relay refuses a key file others can read, and half a TLS setup.
chmod 644 relay.key
rc=0
"$E2E_RELAY" --port 0 --db :memory: --tls-cert relay.pem --tls-key relay.key 2>err || rc=$?
assert_eq 1 "$rc" "relay with a world-readable key"
assert_contains "$(cat err)" "relay.key is readable by other users"
chmod 600 relay.key
rc=0
"$E2E_RELAY" --port 0 --tls-cert relay.pem 2>err || rc=$?
assert_eq 2 "$rc" "--tls-cert alone"
assert_contains "$(cat err)" "--tls-cert and --tls-key go together"

relay_start --tls-cert relay.pem --tls-key relay.key
assert_contains "$(cat relay.log)" "listening on https://127.0.0.1:$RELAY_PORT"
RELAY_URL="https://localhost:$RELAY_PORT"
TLS=(--cacert "$T/ca.pem")

# The whole chat over HTTPS, with the pin too for bob.
as alice join tlsroom "${TLS[@]}" </dev/null 2>/dev/null || fail "alice over HTTPS"
as bob join tlsroom "${TLS[@]}" --pin "$pin" --no-wait </dev/null 2>/dev/null || true
as alice admit tlsroom "${TLS[@]}" >/dev/null
as bob send tlsroom "over TLS" "${TLS[@]}" --pin "$pin"
as alice read tlsroom "${TLS[@]}" | grep -q "bob: over TLS" || fail "alice cannot read bob"

# Another CA, a wrong pin, no CA at all: exit 6 and a clear reason.
rc=0
as alice read tlsroom --cacert "$T/otherca.pem" 2>err || rc=$?
assert_eq 6 "$rc" "a certificate from another CA"
assert_contains "$(cat err)" "SSL certificate problem"
rc=0
as alice read tlsroom "${TLS[@]}" --pin "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" \
	2>err || rc=$?
assert_eq 6 "$rc" "a wrong pin"
assert_contains "$(cat err)" "does not match pinned public key"
rc=0
as alice read tlsroom 2>err || rc=$?
assert_eq 6 "$rc" "the system's CAs only"

# TLS 1.1 and older are refused by the relay.
if curl -s --cacert ca.pem --tlsv1.1 --tls-max 1.1 -o /dev/null "$RELAY_URL/healthz" 2>/dev/null; then
	fail "the relay accepted TLS 1.1"
fi
relay_stop

# Plain HTTP beyond loopback: the relay warns, the client refuses (before
# connecting anywhere).
"$E2E_RELAY" --port 0 --bind 0.0.0.0 --db :memory: 2>warn.log &
pid=$!
eventually 60 grep -q "listening on" warn.log || fail "relay on 0.0.0.0 did not start"
kill -TERM "$pid"
wait "$pid" || true
assert_contains "$(cat warn.log)" "WARNING: plain HTTP on 0.0.0.0"
rc=0
"$E2E_CLIENT" --home "$T/x" --name x --relay http://192.0.2.7:8000 read r 2>err || rc=$?
assert_eq 2 "$rc" "plain HTTP to another machine"
assert_contains "$(cat err)" "--insecure-transport"

echo "tls: ok"

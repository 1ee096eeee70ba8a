#!/usr/bin/env bash
# MRAS end to end (issue 3): a front end asks avedge's MRAS over SIP (TCP, and TLS with a client
# certificate) with a real SERVICE request, gets credentials and a relay list of its users' home
# pool, and turnutils_uclient and aioice relay data with exactly that answer. An unauthorized
# front end gets 403 with ms-diagnostics and no credential; HTTP GET with an API key works too.
# ~25 s. avedge only (own server on 127.0.0.13).
. "$(dirname "$0")/lib.sh"
[ "$INTEROP_SERVER" = avedge ] || { echo "avedge only"; exit 0; }
[ -x "$AVEDGE_BIN" ] || { echo "avedge binary not found: $AVEDGE_BIN" >&2; exit 1; }
IP=127.0.0.13
P=$(pick_port) || exit 1
SIP=$(pick_port "$P") || exit 1
SIPS=$(pick_port "$P" "$SIP") || exit 1
HTTP=$(pick_port "$P" "$SIP" "$SIPS") || exit 1
mkdir -p "$RUN_DIR/secrets"
openssl rand -hex 32 >"$RUN_DIR/secrets/k1"
# A CA, the server certificate and two front-end client certificates signed by it.
(
  cd "$RUN_DIR" || exit 1
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca 2>/dev/null
  for n in server pool01 rogue; do
    case $n in
      server) san="IP:$IP,DNS:localhost" ;;
      pool01) san="DNS:pool01.contoso.com" ;;
      rogue) san="DNS:rogue.contoso.com" ;;
    esac
    openssl req -newkey rsa:2048 -nodes -keyout $n.key -out $n.csr -subj "/CN=$n" 2>/dev/null
    printf 'subjectAltName=%s\n' "$san" >$n.ext
    openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile $n.ext -out $n.crt 2>/dev/null
  done
  cat server.crt ca.pem >server-chain.pem
) || exit 1
cat >"$RUN_DIR/edge.toml" <<TOML
# written by tests/interop/t_mras.sh
[topology]
sip_domains = ["contoso.com"]
default_routing_domain = "contoso.com"

[[edge_pool]]
name = "EDGEPOOL01"
public_fqdn = "localhost"
public_ips = ["$IP"]
internal_fqdn = "localhost"
authorized_internal_servers = ["pool01.contoso.com"]
token_lifetime = "8h"
secrets = [{ id = "k1", file = "secrets/k1" }]
turn_udp_port = $P
turn_tcp_port = $P

[[frontend_pool]]
name = "POOL01"
fqdn = "pool01.contoso.com"
edge_pool = "EDGEPOOL01"
addresses = ["127.0.0.1"]
api_key = "test-api-key-pool01-0123456789"

[[frontend_pool]]
name = "ROGUE"
fqdn = "rogue.contoso.com"
edge_pool = "EDGEPOOL01"
addresses = ["127.0.0.2"]
api_key = "test-api-key-rogue-0123456789"

[edge]
pool = "EDGEPOOL01"
realm = "avedge.test"
listen = ["udp://$IP:$P", "tcp://$IP:$P"]
relay_ips = ["$IP"]
relay_ports = "52000-52499"

[peers]
allow = ["127.0.0.0/8"]

[tls]
cert = "$RUN_DIR/server-chain.pem"
key = "$RUN_DIR/server.key"

[mras]
sip_listen = ["tcp://$IP:$SIP", "tls://$IP:$SIPS"]
http_listen = "$IP:$HTTP"
TOML
LOG=$RUN_DIR/edge.log
start_bg 120 "$LOG" "$AVEDGE_BIN" serve -c "$RUN_DIR/edge.toml"
PID=$LAST_PID
for _ in $(seq 1 100); do grep -q 'avedge: ready' "$LOG" && break; kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
grep -q 'avedge: ready' "$LOG"
report "avedge with [mras] starts (SIP tcp $SIP, tls $SIPS, HTTP $HTTP)" $? || { tail -20 "$LOG"; summary; exit 1; }

mras() { timeout 20 "$PY" "$INTEROP_DIR/sip_mras_client.py" --host "$IP" "$@" --identity sip:alice@contoso.com; }
# 1. Authorized front end over plain TCP (trusted by its source address 127.0.0.1).
out=$(mras --port "$SIP" 2>&1); rc=$?
user=$(sed -n 's/.*username=\([^ ]*\).*/\1/p' <<<"$out"); pass=$(sed -n 's/.*password=\([^ ]*\).*/\1/p' <<<"$out")
relay=$(sed -n 's/.*relay=\([^ ]*\).*/\1/p' <<<"$out"); udp=$(sed -n 's/.* udp=\([0-9]*\).*/\1/p' <<<"$out")
[ $rc = 0 ] && [ -n "$user" ] && [ -n "$pass" ] && [ "$relay" = localhost ] && [ "$udp" = "$P" ]
report "SIP/TCP SERVICE from an authorized front end: 200 with credentials and relay $relay:$udp" $? || echo "$out"
# 2. turnutils_uclient and aioice relay with exactly what MRAS returned.
timeout 30 turnutils_uclient -y -n 20 -m 1 -l 200 -u "$user" -w "$pass" -p "$udp" "$IP" >"$RUN_DIR/uc.out" 2>&1
line=$(grep 'start_mclient: tot_send_bytes' "$RUN_DIR/uc.out" | tail -1)
s=$(sed -n 's/.*tot_send_bytes ~ \([0-9]*\).*/\1/p' <<<"$line"); r=$(sed -n 's/.*tot_recv_bytes ~ \([0-9]*\).*/\1/p' <<<"$line")
[ -n "$s" ] && [ "${s:-0}" -gt 0 ] && [ "$s" = "$r" ] && grep -q 'Total lost packets 0 ' "$RUN_DIR/uc.out"
report "turnutils_uclient relays with the MRAS credential (sent=$s recv=$r)" $? || tail -5 "$RUN_DIR/uc.out"
for t in udp tcp; do
  TURN_HOST=$IP TURN_PORT=$udp TURN_USER=$user TURN_PASS=$pass timeout 40 "$PY" "$INTEROP_DIR/aioice_relay.py" --transport $t >"$RUN_DIR/a.txt" 2>&1
  grep -q '^PASS' "$RUN_DIR/a.txt"
  report "aioice relay-only $t with the MRAS credential" $? || tail -5 "$RUN_DIR/a.txt"
done
# 3. Over TLS with the front end's client certificate.
out=$(mras --port "$SIPS" --tls --cafile "$RUN_DIR/ca.pem" --servername localhost \
  --cert "$RUN_DIR/pool01.crt" --key "$RUN_DIR/pool01.key" 2>&1); rc=$?
[ $rc = 0 ] && grep -q 'username=' <<<"$out"
report "SIP/TLS SERVICE with pool01's client certificate: 200 with credentials" $? || echo "$out"
# 4. A front end that is not authorized: 403, ms-diagnostics, no credential.
out=$(mras --port "$SIPS" --tls --cafile "$RUN_DIR/ca.pem" --servername localhost \
  --cert "$RUN_DIR/rogue.crt" --key "$RUN_DIR/rogue.key" --json 2>&1); rc=$?
[ $rc != 0 ] && grep -q '403' <<<"$out" && grep -q 'ms-diagnostics\|ms_diagnostics' <<<"$out" &&
  grep -q 'Media Relay Authentication Service' <<<"$out" && ! grep -qi '"username": *"[A-Za-z0-9+/=]\{8,\}' <<<"$out"
report "SIP/TLS SERVICE from an unauthorized front end: 403 with ms-diagnostics, no credential" $? || echo "$out"
grep '"event":"mras.refused"' "$LOG" | grep -q 'rogue'
report "the refusal is in the event log" $?
# 5. HTTP for web apps.
json=$(curl -s --max-time 5 -H "Authorization: Bearer test-api-key-pool01-0123456789" \
  "http://$IP:$HTTP/api/v1/turn-credentials?user=sip:alice@contoso.com&ttl=3600")
/usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["username"] and d["password"] and any(u.startswith("turn:localhost:") for u in d["uris"])' "$json"
report "HTTP GET turn-credentials with the API key: JSON credential and uris" $? || echo "$json"
code=$(curl -s -o "$RUN_DIR/h403" -w '%{http_code}' --max-time 5 "http://$IP:$HTTP/api/v1/turn-credentials?user=sip:alice@contoso.com")
[ "$code" = 403 ] && ! grep -q '"password"' "$RUN_DIR/h403"
report "HTTP GET without an API key: 403 without a credential" $?
kill -TERM "$PID" 2>/dev/null
for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
summary

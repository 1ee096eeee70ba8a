#!/usr/bin/env bash
# `avedge probe` and `avedge check --live` (issue 4) against real avedge servers: S1 serves
# EDGEPOOL01 on 127.0.0.31 (UDP, TCP+TLS on one port, MRAS over SIP/TCP and HTTP) with loopback
# peers allowed; S2 serves EDGEPOOL03 on 127.0.0.33 with TCP+TLS only (its advertised UDP port
# has no listener) and the default peer policy (loopback peers denied). EDGEPOOL02's public_fqdn
# points at EDGEPOOL01's edge. Asserts the exact step lines, explanations, rule ids and fixes.
# ~8 s. avedge only (own servers on 127.0.0.31 and .33; front ends bind .34-.36).
. "$(dirname "$0")/lib.sh"
[ "$INTEROP_SERVER" = avedge ] || { echo "avedge only"; exit 0; }
[ -x "$AVEDGE_BIN" ] || { echo "avedge binary not found: $AVEDGE_BIN" >&2; exit 1; }
A=127.0.0.31
C=127.0.0.33
P=$(pick_port) || exit 1
SIP=$(pick_port "$P") || exit 1
HTTP=$(pick_port "$P" "$SIP") || exit 1
Q=$(pick_port "$P" "$SIP" "$HTTP") || exit 1
U=$(pick_port "$P" "$SIP" "$HTTP" "$Q") || exit 1
SIPS=$(pick_port "$P" "$SIP" "$HTTP" "$Q" "$U") || exit 1 # EDGEPOOL03's UDP port: nothing listens
cd "$RUN_DIR" || exit 1
mkdir -p secrets
for k in k1 k2 k3; do openssl rand -hex 32 >secrets/$k; done
# A CA; the edges' certificate (cert.pem holds it and the CA: the trust anchor the probe takes
# from [tls] cert) and two front ends' client certificates, signed by it; an unrelated CA.
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 -subj /CN=probe-ca 2>/dev/null &&
  openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other-ca.pem -days 30 -subj /CN=other 2>/dev/null || exit 1
for n in server pool01 rogue; do
  case $n in
    server) san="IP:$A,DNS:$A,IP:$C,DNS:$C" ;;
    *) san="DNS:$n.contoso.com" ;;
  esac
  openssl req -newkey rsa:2048 -nodes -keyout $n.key -out $n.csr -subj "/CN=$n" 2>/dev/null &&
    printf 'subjectAltName=%s\n' "$san" >$n.ext &&
    openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile $n.ext -out $n.crt 2>/dev/null || exit 1
done
cat server.crt ca.pem >cert.pem && cp server.key key.pem

# topology PUBLIC_FQDN_OF_EDGEPOOL02 WITH_ROGUE
topology() {
  cat <<TOML
# written by tests/interop/t_probe.sh
[topology]
sip_domains = ["contoso.com"]
default_routing_domain = "contoso.com"

[[edge_pool]]
name = "EDGEPOOL01"
public_fqdn = "$A"
public_ips = ["$A"]
authorized_internal_servers = ["pool01.contoso.com"]
secrets = [{ id = "k1", file = "secrets/k1" }]
turn_udp_port = $P
turn_tcp_port = $P

[[edge_pool]]
name = "EDGEPOOL02"
public_fqdn = "$1"
public_ips = ["127.0.0.32"]
authorized_internal_servers = ["pool02.contoso.com"]
secrets = [{ id = "k2", file = "secrets/k2" }]
turn_udp_port = $P
turn_tcp_port = $P

[[edge_pool]]
name = "EDGEPOOL03"
public_fqdn = "$C"
public_ips = ["$C"]
authorized_internal_servers = ["pool03.contoso.com"]
secrets = [{ id = "k3", file = "secrets/k3" }]
turn_udp_port = $U
turn_tcp_port = $Q

[[frontend_pool]]
name = "POOL01"
fqdn = "pool01.contoso.com"
edge_pool = "EDGEPOOL01"
addresses = ["127.0.0.1"]
api_key = "probe-api-key-pool01-0123456789"

[[frontend_pool]]
name = "POOL02"
fqdn = "pool02.contoso.com"
edge_pool = "EDGEPOOL02"
addresses = ["127.0.0.35"]

[[frontend_pool]]
name = "POOL03"
fqdn = "pool03.contoso.com"
edge_pool = "EDGEPOOL03"
addresses = ["127.0.0.36"]
TOML
  [ "$2" = rogue ] && cat <<TOML

[[frontend_pool]]
name = "ROGUE"
fqdn = "rogue.contoso.com"
edge_pool = "EDGEPOOL01"
addresses = ["127.0.0.34"]
api_key = "probe-api-key-rogue-0123456789"
TOML
  cat <<TOML

[tls]
cert = "cert.pem"
key = "key.pem"

[quota]
total = 100
TOML
}
# edge POOL LISTEN RELAY_IP RELAY_PORTS [ALLOW]
edge() {
  cat <<TOML

[edge]
pool = "$1"
diagnostic_reasons = true
realm = "avedge.test"
listen = [$2]
relay_ips = ["$3"]
relay_ports = "$4"
TOML
  [ -n "${5:-}" ] && printf '\n[peers]\nallow = ["%s"]\n' "$5"
}
mras() { printf '\n[mras]\nsip_listen = ["tcp://%s:%s", "tls://%s:%s"]\nhttp_listen = "%s:%s"\n' "$A" "$SIP" "$A" "$SIPS" "$A" "$HTTP"; }
LISTEN1="\"udp://$A:$P\", \"tcp+tls://$A:$P\""
{ topology "$A" rogue; mras; edge EDGEPOOL01 "$LISTEN1" "$A" 52600-52699 127.0.0.0/8; } >s1.toml
{ topology "$A" rogue; edge EDGEPOOL03 "\"tcp+tls://$C:$Q\"" "$C" 52700-52799; } >s2.toml
{ topology 127.0.0.32 clean; mras; edge EDGEPOOL01 "$LISTEN1" "$A" 52600-52699 127.0.0.0/8; } >clean.toml
{ topology 127.0.0.32 clean; edge EDGEPOOL01 "\"udp://$A:$U\"" "$A" 52600-52699 127.0.0.0/8; } >down.toml

start_bg 120 s1.log "$AVEDGE_BIN" serve -c s1.toml
S1=$LAST_PID
start_bg 120 s2.log "$AVEDGE_BIN" serve -c s2.toml
S2=$LAST_PID
for _ in $(seq 1 100); do
  grep -q 'avedge: ready' s1.log && grep -q 'avedge: ready' s2.log && break
  kill -0 "$S1" 2>/dev/null && kill -0 "$S2" 2>/dev/null || break
  sleep 0.1
done
grep -q 'avedge: ready' s1.log && grep -q 'avedge: ready' s2.log
report "two edges start: EDGEPOOL01 on $A:$P (MRAS SIP $SIP, HTTP $HTTP), EDGEPOOL03 on $C:$Q" $? ||
  { tail -5 s1.log s2.log; summary; exit 1; }

probe() { timeout 30 "$AVEDGE_BIN" probe -c s1.toml --user sip:alice@contoso.com "$@" 2>&1; }
# has TEXT LINE-REGEX: the output holds a line matching the regex
has() { grep -Eq -- "$2" <<<"$1"; }
# verdict NAME EXIT-CODE: report, and show the output of a failed check (indented: run.sh counts
# lines starting with PASS and FAIL)
verdict() { report "$1" "$2"; [ "$2" = 0 ] || sed "s/^/    | /" <<<"$out"; }

# 1. Healthy pool: every step passes on UDP, TCP and TLS.
out=$(probe --pool EDGEPOOL01); rc=$?
ok=0
for s in mras resolve; do has "$out" "^PASS  $s " || ok=1; done
for t in udp tcp tls; do
  for s in binding allocate permission send-data channel-bind channel-data refresh deallocate; do
    has "$out" "^PASS  $t/$s +[0-9]+ ms  " || { ok=1; echo "missing PASS $t/$s"; }
  done
done
[ $rc = 0 ] && [ $ok = 0 ] && has "$out" '^probe: 28 steps, 28 passed, 0 failed$' &&
  has "$out" "^PASS  tls/connect .*certificate verified against \./cert\.pem for $A"
verdict "probe EDGEPOOL01 (healthy): all 28 steps pass on udp, tcp and tls, TLS verified against the configured cert" $?

# 2. Broken pool: EDGEPOOL02's credentials land on EDGEPOOL01's edge.
out=$(probe --pool EDGEPOOL02 --as pool02.contoso.com); rc=$?
ok=0
for t in udp tcp tls; do
  has "$out" "^FAIL  $t/allocate .*Allocate on $A:$P rejected \(401\): the credential was issued by EDGEPOOL02, and EDGEPOOL02's public_fqdn points at EDGEPOOL01's edge" || ok=1
done
[ $rc = 1 ] && [ $ok = 0 ] && has "$out" "^PASS  mras .*credential of EDGEPOOL02" &&
  has "$out" "^FAIL  resolve .*an address of EDGEPOOL01, not of EDGEPOOL02: EDGEPOOL02's public_fqdn \(s1\.toml:[0-9]+\) points at EDGEPOOL01's edge" &&
  has "$out" "the edge says: issued by EDGEPOOL02, presented at EDGEPOOL01"
verdict "probe EDGEPOOL02 (public_fqdn points at EDGEPOOL01): Allocate 401 explained as foreign pool on udp, tcp, tls" $?

# 3. Blocked UDP and denied peer: EDGEPOOL03's UDP port is silent, its edge denies loopback peers.
out=$(probe --pool EDGEPOOL03 --timeout 1); rc=$?
[ $rc = 1 ] &&
  has "$out" "^FAIL  udp/binding +[0-9]+ ms  no answer on UDP $C:$U in 1 s: UDP is blocked on the path; TCP $C:$Q works$" &&
  has "$out" "^PASS  tcp/allocate " && has "$out" "^PASS  tls/allocate "
verdict "probe EDGEPOOL03 (no UDP listener): udp/binding fails with 'UDP is blocked on the path; TCP works'" $?
[ $rc = 1 ] &&
  has "$out" "^FAIL  tcp/permission .*CreatePermission rejected \(403\): the edge's peer policy denies 127\.0\.0\.1: it is in the recommended deny table" &&
  has "$out" "^FAIL  tls/permission .*add it to \[peers\] allow on the edge" && has "$out" "^PASS  tcp/deallocate "
verdict "probe EDGEPOOL03 (default peer policy): CreatePermission 403 explained as the edge's peer policy" $?

# 4. Unauthorized front end: MRAS refuses with 9001, over SIP and over HTTP (JSON output).
out=$(probe --pool EDGEPOOL01 --as rogue.contoso.com); rc=$?
[ $rc = 1 ] && has "$out" "^FAIL  mras .*MRAS at SIP/TCP $A:$SIP refused \(403 Forbidden, ms-diagnostics 9001 mras\.not_authorized_server\): rogue\.contoso\.com is not in authorized_internal_servers of edge pool EDGEPOOL01.*; fix: Add the front end's FQDN to authorized_internal_servers" &&
  has "$out" '^probe: 1 steps, 0 passed, 1 failed$'
verdict "probe --as rogue.contoso.com (not authorized): MRAS 403 explained with ms-diagnostics 9001 and the fix" $?
out=$(timeout 30 "$AVEDGE_BIN" probe -c s1.toml --user sip:alice@contoso.com --pool EDGEPOOL01 --as ROGUE --mras http --json 2>&1); rc=$?
[ $rc = 1 ] && "$PY" -c '
import json, sys
s = json.loads(sys.argv[1])
assert len(s) == 1 and s[0]["step"] == "mras" and s[0]["pass"] is False, s
assert "HTTP" in s[0]["detail"] and "9001 mras.not_authorized_server" in s[0]["detail"], s' "$out"
verdict "probe --mras http --json as ROGUE: one failed mras step with 9001" $?
out=$(timeout 30 "$AVEDGE_BIN" probe -c s1.toml --user sip:alice@contoso.com --pool EDGEPOOL01 --mras http --transports tcp --insecure --json 2>&1); rc=$?
[ $rc = 0 ] && "$PY" -c '
import json, sys
s = json.loads(sys.argv[1])
assert [x["step"] for x in s][:3] == ["mras", "resolve", "tcp/connect"] and all(x["pass"] for x in s), s
assert len(s) == 11 and all(isinstance(x["ms"], int) for x in s), s' "$out"
verdict "probe --mras http --transports tcp --json: 11 steps, all pass" $?

# 5. MRAS over SIP/TLS with the front end's client certificate; TLS trust: --insecure, a wrong CA.
out=$(probe --pool EDGEPOOL01 --cert pool01.crt --key pool01.key --transports udp); rc=$?
[ $rc = 0 ] && has "$out" "^PASS  mras .*SIP/TLS $A:$SIPS as pool01\.contoso\.com: 200 OK, credential of EDGEPOOL01"
verdict "probe with pool01's client certificate: MRAS over SIP/TLS grants, UDP relays" $?
out=$(probe --pool EDGEPOOL01 --as rogue.contoso.com --cert rogue.crt --key rogue.key); rc=$?
[ $rc = 1 ] && has "$out" "^FAIL  mras .*MRAS at SIP/TLS $A:$SIPS refused \(403 Forbidden, ms-diagnostics 9001 mras\.not_authorized_server\)"
verdict "probe with rogue's client certificate over SIP/TLS: 9001 explained" $?
out=$(probe --pool EDGEPOOL01 --transports tls --insecure); rc=$?
[ $rc = 0 ] && has "$out" "^PASS  tls/connect .*certificate not verified \(--insecure\)$"
verdict "probe --insecure: TLS steps pass and the connect line says the certificate was not verified" $?
out=$(probe --pool EDGEPOOL01 --transports tls --cafile other-ca.pem); rc=$?
[ $rc = 1 ] && has "$out" "^FAIL  tls/connect .*certificate verify failed: .*trust its CA with --cafile, or --insecure"
verdict "probe --cafile with the wrong CA: tls/connect fails with the verification error" $?

# 6. A given credential (no MRAS): valid, then expired (issued for 1 s by `avedge creds issue`).
cred() { timeout 10 "$AVEDGE_BIN" creds issue -c s1.toml --pool EDGEPOOL01 --user sip:alice@contoso.com --lifetime "$1" |
  sed -n 's/^\(username\|password\): *//p' | tr '\n' ' '; }
read -r U1 P1 <<<"$(cred 1h)"
read -r U2 P2 <<<"$(cred 1s)"
out=$(timeout 30 "$AVEDGE_BIN" probe -c s1.toml --pool EDGEPOOL01 --username "$U1" --password "$P1" --transports udp 2>&1); rc=$?
[ $rc = 0 ] && has "$out" "^PASS  credential .*given credential of EDGEPOOL01 \(key k1, expires" && has "$out" '^probe: 10 steps, 10 passed, 0 failed$'
verdict "probe --username/--password with a valid credential: all UDP steps pass" $?
sleep 2.1  # expiry is in whole seconds: wait until it is strictly past
out=$(timeout 30 "$AVEDGE_BIN" probe -c s1.toml --pool EDGEPOOL01 --username "$U2" --password "$P2" --transports udp 2>&1); rc=$?
[ $rc = 1 ] && has "$out" "^FAIL  credential .*; it expired [0-9]+ s ago: ask MRAS for a new one$" &&
  has "$out" "^FAIL  udp/allocate .*Allocate on $A:$P rejected \(401\): the credential of EDGEPOOL01 expired [0-9]+ s ago; ask MRAS for a new one"
verdict "probe with an expired credential: the credential step and Allocate 401 say it expired" $?

# 7. Could not run: unknown pool, bad transport.
out=$(probe --pool NOPE); rc=$?
[ $rc = 2 ] && has "$out" 'no such \[\[edge_pool\]\] \(edge pools: EDGEPOOL01, EDGEPOOL02, EDGEPOOL03\)'
verdict "probe --pool NOPE: exit 2 naming the pools" $?
out=$(probe --pool EDGEPOOL01 --transports udp,sctp); rc=$?
[ $rc = 2 ] && has "$out" 'unknown transport "sctp"'
verdict "probe --transports udp,sctp: exit 2" $?

# 8. check --live: clean against the live edge; then a pool whose public name resolves elsewhere.
out=$(timeout 30 "$AVEDGE_BIN" check --live -c clean.toml 2>&1); rc=$?
ok=0
for t in udp tcp tls; do
  has "$out" "^live: listen   $t://$A:$P: Binding ok, Allocate with a self-issued EDGEPOOL01 credential ok$" || ok=1
done
[ $rc = 0 ] && [ $ok = 0 ] && has "$out" "^live: resolve  EDGEPOOL02 public_fqdn 127\.0\.0\.32 -> 127\.0\.0\.32$" &&
  has "$out" '^clean\.toml: no problems found$'
verdict "check --live on a clean topology: names resolve, listeners answer, Allocate with a self-issued credential works, no finding" $?
line=$(awk '/name = "EDGEPOOL02"/{f=1} f && /public_fqdn/{print NR; exit}' s1.toml)
out=$(timeout 30 "$AVEDGE_BIN" check --live -c s1.toml 2>&1); rc=$?
[ $rc = 1 ] &&
  has "$out" "^s1\.toml:$line  ERROR  AVE-LIVE-001  public_fqdn \"$A\" of edge pool EDGEPOOL02 resolves to $A, an address of edge pool EDGEPOOL01" &&
  has "$out" "^  fix: point EDGEPOOL02's public name at its own edges \(127\.0\.0\.32\), or give EDGEPOOL02 its own name in public_fqdn$"
verdict "check --live: EDGEPOOL02's public name resolves to EDGEPOOL01 -> AVE-LIVE-001 at s1.toml:$line with the fix" $?
out=$(timeout 30 "$AVEDGE_BIN" check --live --json -c down.toml 2>&1); rc=$?
[ $rc = 1 ] && "$PY" -c '
import json, sys
f = [x for x in json.loads(sys.argv[1]) if x["rule"] == "AVE-LIVE-004"]
assert len(f) == 1 and f[0]["file"] == "down.toml" and f[0]["severity"] == "error", f
assert "no answer on UDP" in f[0]["message"] and "ss -lnp" in f[0]["fix"], f' "$out"
verdict "check --live on a listener where nothing listens: AVE-LIVE-004 with file, line and fix" $?

stop_pid "$S1" TERM 5
stop_pid "$S2" TERM 5
summary

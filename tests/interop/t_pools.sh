#!/usr/bin/env bash
# Two edge pools, one avedge process each, on 127.0.0.11 (EDGEPOOL01) and 127.0.0.12
# (EDGEPOOL02), each with its own TOML (issue 3). A credential of pool 2 minted with
# `avedge creds issue` relays with turnutils_uclient at pool 2's edge and is refused at pool 1's,
# whose log names the issuer (auth.foreign_pool). Key rotation: a credential under k1 works
# while pool 2 lists k1 next to k2 and is refused (auth.unknown_key_id) once k1 is removed.
# ~30 s. avedge only (own servers).
. "$(dirname "$0")/lib.sh"
[ "$INTEROP_SERVER" = avedge ] || { echo "avedge only"; exit 0; }
[ -x "$AVEDGE_BIN" ] || { echo "avedge binary not found: $AVEDGE_BIN" >&2; exit 1; }
IP1=127.0.0.11
IP2=127.0.0.12
P1=$(pick_port) || exit 1
P2=$(pick_port "$P1") || exit 1
mkdir -p "$RUN_DIR/secrets"
openssl rand -hex 32 >"$RUN_DIR/secrets/p1-k1"
openssl rand -hex 32 >"$RUN_DIR/secrets/p2-k1"
openssl rand -hex 32 >"$RUN_DIR/secrets/p2-k2"

# write_config N KEYS-OF-POOL-2: $RUN_DIR/poolN.toml for the edge of pool N.
write_config() {
  local n=$1 keys2=$2 ip port first
  if [ "$n" = 1 ]; then ip=$IP1; port=$P1; first=51000; else ip=$IP2; port=$P2; first=51500; fi
  cat >"$RUN_DIR/pool$n.toml" <<TOML
# written by tests/interop/t_pools.sh
[topology]
sip_domains = ["contoso.com"]
default_routing_domain = "contoso.com"

[[edge_pool]]
name = "EDGEPOOL01"
public_fqdn = "av1.contoso.com"
public_ips = ["$IP1"]
secrets = [{ id = "k1", file = "secrets/p1-k1" }]

[[edge_pool]]
name = "EDGEPOOL02"
public_fqdn = "av2.contoso.com"
public_ips = ["$IP2"]
secrets = [$keys2]

[edge]
pool = "EDGEPOOL0$n"
diagnostic_reasons = true
realm = "avedge.test"
listen = ["udp://$ip:$port", "tcp://$ip:$port"]
relay_ips = ["$ip"]
relay_ports = "$first-$((first + 499))"
workers = 2

[peers]
allow = ["127.0.0.0/8"]
TOML
}
K1='{ id = "k1", file = "secrets/p2-k1" }'
K2='{ id = "k2", file = "secrets/p2-k2" }'

# start_edge N: starts the edge of pool N; PID in EDGE_PID[N], log in EDGE_LOG[N].
declare -A EDGE_PID EDGE_LOG
RUNS=0
start_edge() {
  local n=$1 ip port
  if [ "$n" = 1 ]; then ip=$IP1; port=$P1; else ip=$IP2; port=$P2; fi
  RUNS=$((RUNS + 1))
  EDGE_LOG[$n]=$RUN_DIR/edge$n.$RUNS.log
  start_bg "$SERVER_LIFETIME" "${EDGE_LOG[$n]}" "$AVEDGE_BIN" serve -c "$RUN_DIR/pool$n.toml"
  EDGE_PID[$n]=$LAST_PID
  for _ in $(seq 1 100); do
    grep -q 'avedge: ready' "${EDGE_LOG[$n]}" 2>/dev/null && wait_listen udp "$port" "$ip" && return 0
    kill -0 "${EDGE_PID[$n]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "edge of pool $n did not start; its log:" >&2
  tail -20 "${EDGE_LOG[$n]}" >&2
  return 1
}

# issue USER: a credential of EDGEPOOL02 from pool 2's config -> USERNAME, PASSWORD
issue() {
  local out
  out=$("$AVEDGE_BIN" creds issue --pool EDGEPOOL02 --user "$1" --lifetime 1h \
    -c "$RUN_DIR/pool2.toml") || return 1
  USERNAME=$(sed -n 's/^username: //p' <<<"$out")
  PASSWORD=$(sed -n 's/^password: //p' <<<"$out")
  [ -n "$USERNAME" ] && [ -n "$PASSWORD" ]
}

# relay NAME IP PORT: turnutils_uclient client-to-client with USERNAME/PASSWORD;
# 0 when every message came back and none was lost.
relay() {
  local name=$1 ip=$2 port=$3 rc line s r
  timeout 20 turnutils_uclient -y -n 5 -m 1 -u "$USERNAME" -w "$PASSWORD" -p "$port" "$ip" \
    >"$RUN_DIR/$name.out" 2>&1
  rc=$?
  line=$(grep 'start_mclient: tot_send_bytes' "$RUN_DIR/$name.out" | tail -1)
  s=$(sed -n 's/.*tot_send_bytes ~ \([0-9]*\).*/\1/p' <<<"$line")
  r=$(sed -n 's/.*tot_recv_bytes ~ \([0-9]*\).*/\1/p' <<<"$line")
  RELAY_INFO="rc=$rc sent=${s:-0} recv=${r:-0}"
  [ "$rc" = 0 ] && [ "${s:-0}" -gt 0 ] && [ "$s" = "$r" ] &&
    grep -q 'Total lost packets 0 ' "$RUN_DIR/$name.out"
}
# refused NAME IP PORT: the allocation is refused
refused() {
  local rc
  timeout 20 turnutils_uclient -y -n 5 -m 1 -u "$USERNAME" -w "$PASSWORD" -p "$3" "$2" \
    >"$RUN_DIR/$1.out" 2>&1
  rc=$?
  RELAY_INFO="rc=$rc"
  [ "$rc" != 0 ] && grep -q 'Cannot complete Allocation' "$RUN_DIR/$1.out"
}

write_config 1 "$K1"
write_config 2 "$K1"
start_edge 1 || { report "edge of EDGEPOOL01 starts on $IP1:$P1" 1; summary; exit 1; }
start_edge 2 || { report "edge of EDGEPOOL02 starts on $IP2:$P2" 1; summary; exit 1; }
report "both edges start (EDGEPOOL01 on $IP1:$P1, EDGEPOOL02 on $IP2:$P2)" 0

issue sip:bob@contoso.com
report "avedge creds issue mints a credential of EDGEPOOL02" $?
insp=$("$AVEDGE_BIN" creds inspect "$USERNAME" -c "$RUN_DIR/pool2.toml")
grep -q 'validates: yes (pool EDGEPOOL02, key k1)' <<<"$insp"
report "avedge creds inspect: pool 2's config validates it" $?

relay own_pool "$IP2" "$P2"
rc=$?
report "uclient with pool 2's credential at pool 2's edge: all data relayed ($RELAY_INFO)" $rc
[ $rc = 0 ] || tail -5 "$RUN_DIR/own_pool.out"

refused foreign_pool "$IP1" "$P1"
report "the same credential at pool 1's edge is refused ($RELAY_INFO)" $?
for _ in $(seq 1 20); do grep -q '"event":"auth.foreign_pool"' "${EDGE_LOG[1]}" && break; sleep 0.1; done
grep '"event":"auth.foreign_pool"' "${EDGE_LOG[1]}" | grep -q 'issued by EDGEPOOL02 for sip:bob@contoso.com, presented at EDGEPOOL01'
report "pool 1 logs auth.foreign_pool naming EDGEPOOL02 as issuer" $?
grep '"event":"auth.foreign_pool"' "${EDGE_LOG[1]}" | grep -q 'check \[\[edge_pool\]\] EDGEPOOL02 public_fqdn'
report "the event names the likely misconfiguration (EDGEPOOL02 public_fqdn)" $?

# Rotation: k2 added to pool 2 (k1 still listed) -> the k1 credential still works.
stop_pid "${EDGE_PID[2]}" TERM 10
write_config 2 "$K2, $K1"
start_edge 2 || { report "edge of EDGEPOOL02 restarts with k2 added" 1; summary; exit 1; }
relay rotation_k1_listed "$IP2" "$P2"
report "rotation: k1 credential works while k1 is listed next to k2 ($RELAY_INFO)" $?
OLD_USERNAME=$USERNAME OLD_PASSWORD=$PASSWORD
issue sip:carol@contoso.com
"$AVEDGE_BIN" creds inspect "$USERNAME" -c "$RUN_DIR/pool2.toml" | grep -q 'key id:    k2'
report "rotation: new credentials are issued under k2 (listed first)" $?

# k1 removed -> the k1 credential is refused with auth.unknown_key_id.
stop_pid "${EDGE_PID[2]}" TERM 10
write_config 2 "$K2"
start_edge 2 || { report "edge of EDGEPOOL02 restarts without k1" 1; summary; exit 1; }
USERNAME=$OLD_USERNAME PASSWORD=$OLD_PASSWORD
refused rotation_k1_removed "$IP2" "$P2"
report "rotation: k1 credential refused after k1 is removed ($RELAY_INFO)" $?
for _ in $(seq 1 20); do grep -q '"event":"auth.unknown_key_id"' "${EDGE_LOG[2]}" && break; sleep 0.1; done
grep -q '"event":"auth.unknown_key_id"' "${EDGE_LOG[2]}"
report "pool 2 logs auth.unknown_key_id" $?

for n in 1 2; do
  stop_pid "${EDGE_PID[$n]}" TERM 10
done
summary

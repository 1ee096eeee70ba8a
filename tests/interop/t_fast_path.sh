#!/usr/bin/env bash
# The tc fast path for channel-bound UDP (issue 7 item 4, decision 0013), in two network
# namespaces this recipe creates and deletes: an edge and a client host joined by a veth pair
# (10.77.1.1 | 10.77.1.2 and 10.77.1.3, the peer). avedge runs in the edge namespace with
# edge.fast_path = "tc" on the veth and lo. Checks: the filter is attached; with forwarding off
# the kernel declines and avedge relays everything itself; with forwarding on the kernel relays
# every ChannelData datagram both ways, avedge's own relay counters do not move and
# /api/v1/sessions counts the kernel's datagrams for each allocation; coturn's
# turnutils_uclient (plain and padded ChannelData) loses nothing through it; TCP allocations and
# Send indications stay in userspace; routes go when allocations go; SIGTERM detaches; a
# filter left by a SIGKILLed avedge is replaced by the next start. ~40 s. avedge only, root.
. "$(dirname "$0")/lib.sh"
[ "$INTEROP_SERVER" = avedge ] || { echo "avedge only"; exit 0; }
PASS=${PASS:-0} FAIL=${FAIL:-0}
if [ "$(id -u)" != 0 ] || ! command -v tc >/dev/null; then
  report "t_fast_path needs root and iproute2 (tc) to create network namespaces" 1
  summary; exit 1
fi
NS_E=avedge-fp-edge-$$
NS_C=avedge-fp-client-$$
EDGE_IP=10.77.1.1 CLIENT_IP=10.77.1.2 PEER_IP=10.77.1.3
EDGE_IP6=fd77::1 CLIENT_IP6=fd77::2 PEER_IP6=fd77::3
ADMIN=127.0.0.1:18080
cleanup_ns() {
  rt_cleanup
  ip netns del "$NS_E" 2>/dev/null
  ip netns del "$NS_C" 2>/dev/null
}
trap cleanup_ns EXIT

ip netns add "$NS_E" && ip netns add "$NS_C" &&
  ip link add fpe0 netns "$NS_E" type veth peer name fpc0 netns "$NS_C" &&
  ip -n "$NS_E" addr add "$EDGE_IP/24" dev fpe0 &&
  ip -n "$NS_C" addr add "$CLIENT_IP/24" dev fpc0 &&
  ip -n "$NS_C" addr add "$PEER_IP/24" dev fpc0 &&
  ip -n "$NS_E" addr add "$EDGE_IP6/64" dev fpe0 nodad &&
  ip -n "$NS_C" addr add "$CLIENT_IP6/64" dev fpc0 nodad &&
  ip -n "$NS_C" addr add "$PEER_IP6/64" dev fpc0 nodad &&
  for ns in "$NS_E" "$NS_C"; do ip -n "$ns" link set lo up; done &&
  ip -n "$NS_E" link set fpe0 up && ip -n "$NS_C" link set fpc0 up
report "namespaces $NS_E and $NS_C joined by a veth pair" $? || { summary; exit 1; }
in_edge() { ip netns exec "$NS_E" "$@"; }
in_client() { ip netns exec "$NS_C" "$@"; }

cat >"$RUN_DIR/fp.toml" <<TOML
# written by tests/interop/t_fast_path.sh
[edge]
realm = "avedge.test"
listen = ["udp://$EDGE_IP:3478", "tcp://$EDGE_IP:3478", "udp://[$EDGE_IP6]:3478"]
relay_ips = ["$EDGE_IP", "$EDGE_IP6"]
relay_ports = "52000-52499"
workers = 2
fast_path = "tc"
fast_path_interfaces = ["fpe0", "lo"]

[auth]
users = ["$TURN_USER:$TURN_PASS"]

[peers]
allow = ["10.77.0.0/16", "fd77::/64"]

[admin]
listen = "$ADMIN"
TOML

# start_edge LOG: avedge in the edge namespace; EDGE = its timeout wrapper's PID.
AVEDGE_PREFIX=(ip netns exec "$NS_E")
start_edge() { start_own_avedge "$RUN_DIR/fp.toml" "$1"; }
metric() { in_edge curl -s --max-time 5 "http://$ADMIN/metrics" | awk -v k="$1" '$1 == k { print $2 }'; }
filters() { in_edge tc filter show dev "$1" ingress 2>/dev/null | grep -c 'handle 0xa7ed'; }
# bench NAME FLAGS...: avedge bench from the client namespace (no UDP GSO: a GSO batch is one
# large packet at tc, which the program leaves to the userspace relay).
bench() {
  local name=$1; shift
  timeout 60 ip netns exec "$NS_C" "$AVEDGE_BIN" bench --server "$EDGE_IP:3478" \
    --client-ip "$CLIENT_IP" --peer-ip "$PEER_IP" --user "$TURN_USER:$TURN_PASS" --no-gso \
    --json "$@" >"$RUN_DIR/$name.json" 2>"$RUN_DIR/$name.err"
  echo "  $name: $(cat "$RUN_DIR/$name.json")"
}
bench6() { # the same over IPv6 (client, edge and peer)
  local name=$1; shift
  timeout 60 ip netns exec "$NS_C" "$AVEDGE_BIN" bench --server "[$EDGE_IP6]:3478" \
    --client-ip "$CLIENT_IP6" --peer-ip "$PEER_IP6" --user "$TURN_USER:$TURN_PASS" --no-gso \
    --json "$@" >"$RUN_DIR/$name.json" 2>"$RUN_DIR/$name.err"
  echo "  $name: $(cat "$RUN_DIR/$name.json")"
}
lossless() { # NAME: every allocation made, everything sent arrived, all deallocated
  [ "$(json_field "$1" ready)" = "$(json_field "$1" allocations)" ] && [ "${2:-1}" -le "$(json_field "$1" sent)" ] &&
    [ "$(json_field "$1" received)" = "$(json_field "$1" sent)" ] &&
    [ "$(json_field "$1" deallocated)" = "$(json_field "$1" allocations)" ]
}
FP_PEER='avedge_fast_path_packets_total{direction="to_peer"}'
FP_CLIENT='avedge_fast_path_packets_total{direction="to_client"}'
US_PEER='avedge_relayed_packets_total{direction="to_peer"}'
US_CLIENT='avedge_relayed_packets_total{direction="to_client"}'

start_edge "$RUN_DIR/edge.log"
report "avedge starts in $NS_E with edge.fast_path = \"tc\"" $? || { tail "$RUN_DIR/edge.log"; summary; exit 1; }
[ "$(filters fpe0)" = 1 ] && [ "$(filters lo)" = 1 ] &&
  grep -q 'fast    channel-bound UDP relayed in the kernel (tc) on fpe0, lo' "$RUN_DIR/edge.log"
report "its program is attached at tc ingress of fpe0 and lo (handle 0xa7ed); the banner says so" $?
grep -q 'net.ipv4.conf.fpe0.forwarding is 0' "$RUN_DIR/edge.log"
report "forwarding is off in the new namespace: the log says so and names the sysctl" $?

# 1. Forwarding off: bpf_fib_lookup() cannot answer, so every datagram goes to avedge.
bench off -n 10 --rate 500 --both --duration 2
us_peer=$(metric "$US_PEER") fp_peer=$(metric "$FP_PEER") declined=$(metric avedge_fast_path_declined_total)
lossless off 1500 && [ "$us_peer" -ge 900 ] && [ "$fp_peer" = 0 ] && [ "$declined" -ge 900 ]
report "forwarding off: nothing lost, avedge relayed it (to_peer $us_peer), the kernel declined $declined, relayed 0 ($fp_peer)" $?

# 2. Forwarding on: the kernel relays every ChannelData datagram both ways.
in_edge sysctl -qw net.ipv4.conf.fpe0.forwarding=1 net.ipv6.conf.fpe0.forwarding=1
us0_peer=$(metric "$US_PEER") us0_client=$(metric "$US_CLIENT")
bench on -n 10 --rate 1000 --both --duration 3 &
BENCH_ON=$!
# While it runs: /api/v1/sessions counts what the kernel relayed for each allocation.
sleep 2.5
live=$(in_edge curl -s --max-time 5 "http://$ADMIN/api/v1/sessions" | "$PY" -c 'import json, sys
s = json.load(sys.stdin)["sessions"]
print(len(s), sum(x["packets"]["to_peer"] for x in s), sum(x["packets"]["to_client"] for x in s))')
wait "$BENCH_ON"
sent=$(json_field on sent)
fp_peer=$(metric "$FP_PEER") fp_client=$(metric "$FP_CLIENT")
us_peer=$(metric "$US_PEER") us_client=$(metric "$US_CLIENT")
lossless on 5000 && [ "$fp_peer" -ge $((sent / 2)) ] && [ "$fp_client" -ge $((sent / 2)) ] &&
  [ "$us_peer" = "$us0_peer" ] && [ "$us_client" = "$us0_client" ]
report "forwarding on: nothing lost ($sent sent), the kernel relayed to_peer $fp_peer and to_client $fp_client, avedge's own counters did not move ($us0_peer -> $us_peer, $us0_client -> $us_client)" $?
read -r live_n live_peer live_client <<<"$live"
[ "${live_n:-0}" = 10 ] && [ "${live_peer:-0}" -ge 1000 ] && [ "${live_client:-0}" -ge 1000 ]
report "while it ran, /api/v1/sessions counted the kernel's relaying for each allocation ($live_n sessions: to_peer $live_peer, to_client $live_client packets)" $?
p50=$(json_field on p50_us)
[ -n "$p50" ] && awk "BEGIN{exit !($p50 > 0)}"
report "latency through the kernel path is measured (p50 $p50 us; not asserted)" $?
routes=$(metric avedge_fast_path_routes)
[ "$routes" = 0 ]
report "the routes went with the allocations (avedge_fast_path_routes $routes)" $?

# IPv6 all the way (the UDP checksum is mandatory there and updated by the program).
fp0_peer=$fp_peer fp0_client=$fp_client
bench6 on6 -n 10 --rate 1000 --both --duration 2
sent=$(json_field on6 sent)
fp_peer=$(metric "$FP_PEER") fp_client=$(metric "$FP_CLIENT")
lossless on6 3000 && [ $((fp_peer - fp0_peer)) -ge $((sent / 2)) ] &&
  [ $((fp_client - fp0_client)) -ge $((sent / 2)) ] &&
  [ "$(metric "$US_PEER")" = "$us0_peer" ] && [ "$(metric "$US_CLIENT")" = "$us0_client" ]
report "IPv6: nothing lost ($sent sent, checksums checked by the receiving kernel), the kernel relayed to_peer +$((fp_peer - fp0_peer)) and to_client +$((fp_client - fp0_client)), avedge's own counters did not move" $?

# 3. A client nobody here wrote: turnutils_uclient to turnutils_peer, plain and padded.
PEER_PORT=3480
start_bg 120 "$RUN_DIR/peer.log" ip netns exec "$NS_C" turnutils_peer -L "$PEER_IP" -p "$PEER_PORT"
sleep 0.5
uclient() { # NAME FLAGS...
  local name=$1; shift
  local before after rc line s r
  before=$(metric "$FP_PEER")
  timeout 40 ip netns exec "$NS_C" turnutils_uclient "$@" -e "$PEER_IP" -r "$PEER_PORT" -X \
    -u "$TURN_USER" -w "$TURN_PASS" -n 100 -m 2 -l "${LEN:-200}" -z 5 -p 3478 "$EDGE_IP" \
    >"$RUN_DIR/$name.out" 2>&1
  rc=$?
  after=$(metric "$FP_PEER")
  line=$(grep 'start_mclient: tot_send_bytes' "$RUN_DIR/$name.out" | tail -1)
  s=$(sed -n 's/.*tot_send_bytes ~ \([0-9]*\).*/\1/p' <<<"$line")
  r=$(sed -n 's/.*tot_recv_bytes ~ \([0-9]*\).*/\1/p' <<<"$line")
  UC_DELTA=$((after - before))
  [ "$rc" = 0 ] && [ "${s:-0}" -gt 0 ] && [ "$s" = "$r" ] &&
    grep -q 'Total lost packets 0 ' "$RUN_DIR/$name.out"
  UC_OK=$?
  UC_TEXT="rc=$rc sent=$s recv=$r bytes, kernel to_peer +$UC_DELTA"
}
uclient uc_channel
[ $UC_OK = 0 ] && [ "$UC_DELTA" -ge 150 ]
report "turnutils_uclient ChannelData through the kernel path: nothing lost ($UC_TEXT)" $?
LEN=201 uclient uc_padded -D  # 201 bytes: 3 bytes of padding on every datagram
[ $UC_OK = 0 ] && [ "$UC_DELTA" -ge 150 ]
report "turnutils_uclient padded ChannelData (-D, 201-byte payloads) through the kernel path: nothing lost ($UC_TEXT)" $?
uclient uc_tcp -t
[ $UC_OK = 0 ] && [ "$UC_DELTA" = 0 ]
report "turnutils_uclient over TCP stays in userspace (framed ChannelData): nothing lost ($UC_TEXT)" $?
uclient uc_send -s
[ $UC_OK = 0 ] && [ "$UC_DELTA" = 0 ]
report "turnutils_uclient Send indications stay in userspace: nothing lost ($UC_TEXT)" $?

# 4. SIGTERM detaches; a filter a SIGKILLed avedge left is replaced at the next start.
stop_pid "$EDGE" TERM 10
[ "$(filters fpe0)" = 0 ] && [ "$(filters lo)" = 0 ]
report "SIGTERM: the filters are gone from fpe0 and lo" $?
start_edge "$RUN_DIR/edge2.log" || report "avedge starts again" 1
kill -KILL "$(child_of "$EDGE")" 2>/dev/null  # `ip netns exec` execs avedge: the same PID
wait "$EDGE" 2>/dev/null
left=$(filters fpe0)
start_edge "$RUN_DIR/edge3.log"
started=$?
bench after_kill -n 4 --rate 500 --both --duration 1
[ "$left" = 1 ] && [ $started = 0 ] && [ "$(filters fpe0)" = 1 ] && lossless after_kill 500 &&
  [ "$(metric "$FP_PEER")" -ge 400 ]
report "after SIGKILL the filter stays ($left); the next avedge replaces it (one filter) and relays by it without loss" $?
stop_pid "$EDGE" TERM 10
summary

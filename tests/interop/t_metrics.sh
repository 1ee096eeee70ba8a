#!/usr/bin/env bash
# The admin API under real traffic (issue 5): avedge on 127.0.0.43 with [admin] on its own
# port; turnutils_uclient runs N allocations with M messages each to turnutils_peer (which
# echoes them). While the sessions are live, /metrics shows N allocations and
# /api/v1/sessions lists them; afterwards the relayed packet and byte counters match what the
# client reports it sent and received, within 1%. Also: /healthz, /readyz, /metrics.json,
# explain, drain, and the token rule (a non-loopback admin listener without a token refuses to start,
# naming the file:line). ~20 s. avedge only (own server).
. "$(dirname "$0")/lib.sh"
[ "$INTEROP_SERVER" = avedge ] || { echo "avedge only"; exit 0; }
[ -x "$AVEDGE_BIN" ] || { echo "avedge binary not found: $AVEDGE_BIN" >&2; exit 1; }
IP=127.0.0.43
N=${METRICS_N:-5}    # allocations
M=${METRICS_M:-300}  # messages per allocation
PORT=$(pick_port) || exit 1
PEER=$(pick_port "$PORT") || exit 1
ADMIN=$(pick_port "$PORT" "$PEER") || exit 1
URL=http://$IP:$ADMIN

cat >"$RUN_DIR/metrics.toml" <<TOML
# written by tests/interop/t_metrics.sh
[edge]
realm = "avedge.test"
listen = ["udp://$IP:$PORT", "tcp://$IP:$PORT"]
relay_ips = ["$IP"]
relay_ports = "52000-52499"
workers = 2

[auth]
users = ["$TURN_USER:$TURN_PASS"]

[peers]
allow = ["127.0.0.0/8"]

[admin]
listen = "$IP:$ADMIN"
TOML

# metric SERIES: its value in a fresh scrape of /metrics (empty when absent)
metric() {
  curl -s --max-time 5 "$URL/metrics" | awk -v k="$1" '$1 == k { print $2 }'
}
# within_1pct A B: |A - B| <= 1% of B, and B > 0
within_1pct() {
  [ -n "$1" ] && [ -n "$2" ] && [ "$2" -gt 0 ] &&
    [ $(( ($1 - $2) * ($1 - $2) * 10000 )) -le $(( $2 * $2 )) ]
}

start_bg "$SERVER_LIFETIME" "$RUN_DIR/edge.log" "$AVEDGE_BIN" serve -c "$RUN_DIR/metrics.toml"
EDGE=$LAST_PID
for _ in $(seq 1 100); do
  grep -q 'avedge: ready' "$RUN_DIR/edge.log" 2>/dev/null && break
  kill -0 "$EDGE" 2>/dev/null || break
  sleep 0.1
done
grep -q "admin   $URL/metrics" "$RUN_DIR/edge.log"
report "avedge starts; the banner prints the admin URL $URL/metrics" $? ||
  { tail -20 "$RUN_DIR/edge.log"; summary; exit 1; }

[ "$(curl -s --max-time 5 "$URL/healthz")" = ok ]
report "/healthz answers ok" $?
ready=$(curl -s --max-time 5 -w ' %{http_code}' "$URL/readyz")
[ "$ready" = "ready
 200" ]
ok=$?  # before the message's $(...), which would set $? again
report "/readyz is 200 after the STUN self-test ($(tr '\n' ' ' <<<"$ready"))" $ok

start_bg 120 "$RUN_DIR/peer.log" turnutils_peer -L "$IP" -p "$PEER"
wait_listen udp "$PEER" "$IP" || { report "turnutils_peer listens" 1; summary; exit 1; }

# -c: no RTCP allocations, so the client makes exactly N; -z 20: a message every 20 ms, so the
# sessions stay live for about M * 20 ms.
start_bg 60 "$RUN_DIR/uclient.out" turnutils_uclient -c -e "$IP" -r "$PEER" -X -g \
  -u "$TURN_USER" -w "$TURN_PASS" -n "$M" -m "$N" -l 160 -z 20 -p "$PORT" "$IP"
UC=$LAST_PID
# The client's side: uclient keeps one connected UDP socket per client (-m) for its data
# session. (Per client it also makes one more allocation from a socket it closes at once; that
# one has no channel and stays until its lifetime ends: docs/COUNTERS.md.)
client_socks() { ss -H -uan "( dst $IP:$PORT )" 2>/dev/null | wc -l; }
# sessions_by FIELD: from /api/v1/sessions, "TOTAL WITH_CHANNEL CLIENTS_WITH_CHANNEL..."
sessions_summary() {
  curl -s --max-time 5 "$URL/api/v1/sessions" | "$PY" -c 'import json,sys
d=[s for s in json.load(sys.stdin)["sessions"] if s["user"]==sys.argv[1] and s["transport"]=="udp"]
print(len(d), sum(1 for s in d if s["channels"]))' "$TURN_USER"
}
live="" want="" total="" busy=""
for _ in $(seq 1 50); do
  want=$(client_socks)
  read -r total busy < <(sessions_summary)
  live=$(metric 'avedge_allocations_active{transport="udp",pool="default"}')
  [ "${want:-0}" = "$N" ] && [ "${busy:-0}" = "$N" ] && [ "${live:-0}" = "${total:-x}" ] && break
  sleep 0.1
done
[ "$want" = "$N" ] && [ "$busy" = "$N" ]
report "while live: /api/v1/sessions lists $busy relaying sessions (with a channel) = uclient's $want data sockets = -m $N" $?
[ -n "$live" ] && [ "$live" = "$total" ] && [ "$live" -ge "$N" ]
report "while live: avedge_allocations_active{transport=\"udp\"} = $live = the $total sessions listed" $?
# uclient pauses about 2 s between binding its channels and its first message, so wait for the
# first relayed packet for as long as the client runs (a 3 s window failed once on a busy host).
for _ in $(seq 1 150); do
  mid=$(metric 'avedge_relayed_packets_total{direction="to_peer"}')
  [ "${mid:-0}" -gt 0 ] && break
  kill -0 "$UC" 2>/dev/null || break
  sleep 0.1
done
[ "${mid:-0}" -gt 0 ]
report "while live: avedge_relayed_packets_total{direction=\"to_peer\"} is moving ($mid)" $?

wait "$UC"
rc=$?
final=$(grep 'start_mclient: tot_send_msgs=' "$RUN_DIR/uclient.out" | grep -v msz | tail -1)
sent=$(sed -n 's/.*tot_send_msgs=\([0-9]*\).*/\1/p' <<<"$final")
recv=$(sed -n 's/.*tot_recv_msgs=\([0-9]*\).*/\1/p' <<<"$final")
bline=$(grep 'start_mclient: tot_send_bytes' "$RUN_DIR/uclient.out" | tail -1)
sbytes=$(sed -n 's/.*tot_send_bytes ~ \([0-9]*\).*/\1/p' <<<"$bline")
[ "$rc" = 0 ] && [ "${sent:-0}" -gt 0 ]
report "uclient finished (rc=$rc sent=$sent recv=$recv messages, $sbytes bytes)" $? ||
  tail -5 "$RUN_DIR/uclient.out"
to_peer=$(metric 'avedge_relayed_packets_total{direction="to_peer"}')
to_client=$(metric 'avedge_relayed_packets_total{direction="to_client"}')
bytes_peer=$(metric 'avedge_relayed_bytes_total{direction="to_peer"}')
within_1pct "$to_peer" "$sent"
report "relayed to_peer packets $to_peer = uclient sent $sent (within 1%)" $?
within_1pct "$to_client" "$recv"
report "relayed to_client packets $to_client = uclient received $recv (within 1%)" $?
within_1pct "$bytes_peer" "$sbytes"
report "relayed to_peer bytes $bytes_peer = uclient sent $sbytes bytes (within 1%)" $?

# The latency budget's wait (decision 0019): the default budget, 175 µs, or shorter (never
# below one 25 µs step) if the host woke the workers late; the late wake-ups are counted.
wait_us=$(metric avedge_budget_wait_us)
late=$(metric avedge_budget_late_wakeups_total)
[ -n "$wait_us" ] && [ "$wait_us" -ge 25 ] && [ "$wait_us" -le 175 ] && [ -n "$late" ] &&
  { [ "$wait_us" = 175 ] || [ "$late" -gt 0 ]; }
report "avedge_budget_wait_us = $wait_us (the budget, 175, unless late wake-ups shortened it: $late)" $?
# Whether a turn below a batch is followed by a budget wait is measured (decision 0020): until
# both kinds are measured the workers take them in turn, so both counters move.
waits=$(metric avedge_budget_waits_total)
skipped=$(metric avedge_budget_waits_skipped_total)
[ "${waits:-0}" -gt 0 ] && [ "${skipped:-0}" -gt 0 ]
report "avedge_budget_waits_total = $waits and avedge_budget_waits_skipped_total = $skipped: both waits tried" $?

json=$(curl -s --max-time 5 "$URL/metrics.json")
jv=$("$PY" -c 'import json,sys
d=json.load(sys.stdin)
print([m["value"] for m in d["metrics"] if m["name"]=="avedge_relayed_packets_total" and m["labels"]=={"direction":"to_peer"}][0])' <<<"$json")
[ "$jv" = "$to_peer" ]
report "/metrics.json has the same to_peer count ($jv)" $?

curl -s --max-time 5 "$URL/api/v1/explain?user=$TURN_USER" | grep -q '"event":"allocation.created"'
report "/api/v1/explain?user=$TURN_USER shows allocation.created" $?

# Drain: new allocations refused (403: the config lists no other edge), /readyz 503; undrain.
dr=$(curl -s --max-time 5 -X POST "$URL/api/v1/drain")
timeout 15 turnutils_uclient -y -n 5 -m 1 -u "$TURN_USER" -w "$TURN_PASS" -p "$PORT" "$IP" \
  >"$RUN_DIR/drained.out" 2>&1
rc=$?
code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$URL/readyz")
refusals=$(metric avedge_drain_refusals_total)
grep -q '"draining":true' <<<"$dr" && grep -q '"alternate":null' <<<"$dr" && [ "$rc" != 0 ] &&
  grep -q 'error 403' "$RUN_DIR/drained.out" && [ "$code" = 503 ] &&
  [ "${refusals:-0}" -ge 1 ]
report "POST /api/v1/drain: uclient gets 403 (rc=$rc), /readyz $code, drain refusals $refusals" $?
curl -s --max-time 5 -X DELETE "$URL/api/v1/drain" >/dev/null
code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$URL/readyz")
[ "$code" = 200 ]
report "DELETE /api/v1/drain: /readyz back to $code" $?

# The token rule: 0.0.0.0 without a token is a configuration error naming the line.
sed "s|^listen = \"$IP:$ADMIN\"|listen = \"0.0.0.0:$ADMIN\"|" "$RUN_DIR/metrics.toml" \
  >"$RUN_DIR/open.toml"
out=$(timeout 10 "$AVEDGE_BIN" serve -c "$RUN_DIR/open.toml" 2>&1)
rc=$?
line=$(grep -n "^listen = \"0.0.0.0:$ADMIN\"" "$RUN_DIR/open.toml" | cut -d: -f1)
[ "$rc" = 2 ] &&
  grep -q "open.toml:$line: admin listen \"0.0.0.0:$ADMIN\": not a loopback address and no token" <<<"$out"
report "non-loopback [admin] listen without a token is refused with file:line (rc=$rc)" $? ||
  echo "$out" | tail -3
summary

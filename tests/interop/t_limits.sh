#!/usr/bin/env bash
# Resource limits on streams (issue 6 item 4): avedge on 127.0.0.72 (TCP and TLS) with
# [limits] connections_total = 60, connections_per_ip = 20, idle_timeout = "2s",
# max_message_size = 4096. Real sockets: connections over the per-IP and the total limit are
# closed at once; slowloris connections (one Binding, then a trickle of bytes or silence) are
# closed on time while turnutils_uclient -t allocates and relays; an oversize frame closes its
# connection. Each with its counter in /metrics. Then file descriptors: from a soft limit of
# 256 an edge raises its own and sets up 400 allocations. avedge only.
. "$(dirname "$0")/lib.sh"
[ "$INTEROP_SERVER" = avedge ] || { echo "avedge only"; exit 0; }
[ -x "$AVEDGE_BIN" ] || { echo "avedge binary not found: $AVEDGE_BIN" >&2; exit 1; }
IP=127.0.0.72
PORT=$(pick_port) || exit 1
PEER=$(pick_port "$PORT") || exit 1
ADMIN=${LIMITS_ADMIN_PORT:-19391}
ABUSE=("$PY" "$INTEROP_DIR/stream_abuse.py")

cat >"$RUN_DIR/limits.toml" <<TOML
# written by tests/interop/t_limits.sh
[edge]
realm = "$TURN_REALM"
listen = ["tcp://$IP:$PORT"]
relay_ips = ["$IP"]
relay_ports = "52600-52699"
workers = 2

[auth]
users = ["$TURN_USER:$TURN_PASS"]

[peers]
allow = ["127.0.0.0/8"]

[limits]
connections_total = 60
connections_per_ip = 20
idle_timeout = "2s"
max_message_size = 4096

[admin]
listen = "$IP:$ADMIN"
TOML

start_own_avedge "$RUN_DIR/limits.toml" "$RUN_DIR/edge.log"
report "avedge starts on tcp://$IP:$PORT with connection limits 60 / 20 per IP, idle 2 s" $? ||
  { tail -20 "$RUN_DIR/edge.log"; summary; exit 1; }

metric() { admin_metric "$IP:$ADMIN" "$1"; }
field() { sed -n "s/.*\"$1\": \([0-9.a-z-]*\).*/\1/p"; }
open_conns() { ss -Htn state established "( sport = :$PORT )" | wc -l; }

out=$("${ABUSE[@]}" conns "$IP" "$PORT" --sources 1 --per-source 25)
echo "  $out"
[ "$(field answered <<<"$out")" = 20 ] && [ "$(field closed <<<"$out")" = 5 ] &&
  [ "$(metric 'avedge_connections_refused_total{reason="per_ip"}')" = 5 ]
report "25 connections from one address: 20 served, 5 closed at once, refused{per_ip} = 5" $?

for _ in $(seq 1 50); do [ "$(metric avedge_connections_open)" = 0 ] && break; sleep 0.1; done
out=$("${ABUSE[@]}" conns "$IP" "$PORT" --sources 70 --per-source 1)
echo "  $out"
[ "$(field answered <<<"$out")" = 60 ] && [ "$(field closed <<<"$out")" = 10 ] &&
  [ "$(metric 'avedge_connections_refused_total{reason="total"}')" = 10 ]
report "70 connections from 70 addresses: 60 served, 10 closed at once, refused{total} = 10" $?

for _ in $(seq 1 50); do [ "$(metric avedge_connections_open)" = 0 ] && break; sleep 0.1; done
start_bg 60 "$RUN_DIR/peer.log" turnutils_peer -L 127.0.0.1 -p "$PEER"
wait_listen udp "$PEER" 127.0.0.1 || { report "turnutils_peer listens" 1; summary; exit 1; }
start_bg 60 "$RUN_DIR/trickle.json" "${ABUSE[@]}" slowloris "$IP" "$PORT" --count 20 --trickle
TRICKLE=$LAST_PID
start_bg 60 "$RUN_DIR/silent.json" "${ABUSE[@]}" slowloris "$IP" "$PORT" --count 20
SILENT=$LAST_PID
sleep 0.5
# A real client over TCP while the slowloris connections are open; it sends for longer than
# idle_timeout and holds its allocation all along (-z: 20 ms between messages).
timeout 60 turnutils_uclient -t -p "$PORT" -e 127.0.0.1 -r "$PEER" -X -u "$TURN_USER" \
  -w "$TURN_PASS" -n 150 -m 2 -l 120 -z 20 "$IP" >"$RUN_DIR/uclient.out" 2>&1
rc=$?
lost=$(sed -n 's/.*Total lost packets \([0-9]*\) .*/\1/p' "$RUN_DIR/uclient.out" | tail -1)
[ "$rc" = 0 ] && [ "$lost" = 0 ]
report "turnutils_uclient -t allocates and relays 300 messages meanwhile (lost ${lost:-?})" $? ||
  tail -5 "$RUN_DIR/uclient.out"
wait "$TRICKLE" "$SILENT"
for f in trickle silent; do
  out=$(cat "$RUN_DIR/$f.json")
  echo "  $f: $out"
  first=$(field first_close_s <<<"$out")
  last=$(field last_close_s <<<"$out")
  [ "$(field closed <<<"$out")" = 20 ] &&
    awk -v f="$first" -v l="$last" 'BEGIN { exit !(f >= 1.0 && l <= 4.0) }'
  report "20 slowloris connections ($f after one Binding) closed at ${first}-${last} s (idle_timeout 2 s)" $?
done
idle=$(metric 'avedge_stream_closes_total{reason="idle"}')
[ "${idle:-0}" -ge 40 ]
report "avedge_stream_closes_total{reason=\"idle\"} = $idle" $?

out=$("${ABUSE[@]}" oversize "$IP" "$PORT" --length 8000)
echo "  $out"
[ "$(field closed <<<"$out")" = true ] && [ "$(metric 'avedge_stream_closes_total{reason="oversize"}')" = 1 ]
report "a STUN header announcing 8000 bytes (> max_message_size 4096) closes at once, closes{oversize} = 1" $?

kill -0 "$EDGE" 2>/dev/null
report "avedge still running" $?
stop_pid "$EDGE"

# File descriptors (decision 0015): started with a soft limit of 256, an edge whose relay
# ports and quota need 664 raises its own (up to the hard limit), sizes its descriptor table
# before its threads start, and sets up 400 allocations, more than 256 would have allowed.
UDP_PORT=$(pick_port "$PORT") || exit 1
cat >"$RUN_DIR/fds.toml" <<TOML
# written by tests/interop/t_limits.sh
[edge]
realm = "$TURN_REALM"
listen = ["udp://$IP:$UDP_PORT"]
relay_ips = ["$IP"]
relay_ports = "52700-53299"
workers = 2

[auth]
users = ["$TURN_USER:$TURN_PASS"]

[peers]
allow = ["127.0.0.0/8"]

[quota]
total = 1000
per_user = 1000
per_ip = 1000

[limits]
challenges_per_second = 0

[admin]
listen = "off"
TOML
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt 664 ]; then
  report "the hard descriptor limit ($hard) leaves no room to raise to 664: skipped" 0
else
  AVEDGE_PREFIX=(prlimit --nofile=256:)
  start_own_avedge "$RUN_DIR/fds.toml" "$RUN_DIR/fds.log"
  started=$?
  AVEDGE_PREFIX=()
  pid=$(child_of "$EDGE")
  soft=$(awk '/^Max open files/ {print $4}' "/proc/$pid/limits" 2>/dev/null)
  table=$(awk '/^FDSize:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
  [ "$started" = 0 ] && grep -q 'soft limit raised from 256 to 664' "$RUN_DIR/fds.log" &&
    [ "$soft" = 664 ] && [ "${table:-0}" -ge 664 ]
  report "soft limit 256: avedge raised it to $soft (the relay sockets' 600 + 64) and sized its descriptor table to $table" $?
  timeout 60 "$AVEDGE_BIN" bench --server "$IP:$UDP_PORT" --peer-ip 127.0.0.1 \
    --user "$TURN_USER:$TURN_PASS" --mode setup -n 400 --json >"$RUN_DIR/fds.json" 2>"$RUN_DIR/fds.err"
  [ "$(json_field fds ready)" = 400 ] && [ "$(json_field fds failed)" = 0 ]
  ok=$?  # before the message's $(...), which would set $? again
  report "400 allocations set up on it (ready $(json_field fds ready), failed $(json_field fds failed) $(json_field fds first_error))" $ok
  stop_pid "$EDGE"
fi
summary

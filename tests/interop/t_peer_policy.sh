#!/usr/bin/env bash
# The default peer policy on real sockets: an avedge started WITHOUT --allow-peer must refuse
# a loopback peer with 403 on ChannelBind / CreatePermission and send it nothing on every path
# (ChannelData, Send indications, UDP and TCP clients). Real client: coturn's turnutils_uclient;
# the peer is a UDP socket that counts what reaches it. ~10 s. avedge only (own server).
. "$(dirname "$0")/lib.sh"
[ "$INTEROP_SERVER" = avedge ] || { echo "avedge only"; exit 0; }
USE_EXTERNAL_SERVER=0
AVEDGE_NO_ALLOW_PEER=1 start_server || { report "avedge starts without an allow list" 1; summary; exit 1; }
start_bg 120 "$RUN_DIR/counter.log" "$PY" "$INTEROP_DIR/udp_counter.py" 127.0.0.1 "$PEER_PORT"
COUNTER_PID=$LAST_PID
wait_listen udp "$PEER_PORT" 127.0.0.1 || exit 1
U=(-u "$TURN_USER" -w "$TURN_PASS")
refused() { # name, need403 (1/0), uclient flags: nothing comes back; ChannelBind must get 403
  local name=$1 need403=$2; shift 2
  timeout 20 turnutils_uclient "$@" -p "$TURN_PORT" -e 127.0.0.1 -r "$PEER_PORT" -X "${U[@]}" \
    -n 5 -m 1 -l 100 "$TURN_HOST" >"$RUN_DIR/$name.out" 2>&1
  local rc=$? recv
  recv=$(sed -n 's/.*tot_recv_bytes ~ \([0-9]*\).*/\1/p' "$RUN_DIR/$name.out" | tail -1)
  local ok=1 saw403=no
  grep -q 'error 403' "$RUN_DIR/$name.out" && saw403=yes
  [ "${recv:-0}" = 0 ] && { [ "$need403" = 0 ] || [ $saw403 = yes ]; } && ok=0
  report "loopback peer refused by default: $name (rc=$rc, 403 seen: $saw403, recv=${recv:-0})" $ok
  [ $ok = 0 ] || tail -5 "$RUN_DIR/$name.out"
}
# With channels uclient binds the peer (403 expected); with Send indications it may only send,
# and the server drops them silently (RFC 8656 §11.2): then nothing may come back.
refused udp_channel 1
refused udp_send_indication 0 -s
refused tcp_channel 1 -t
refused tcp_send_indication 0 -t -s
grep -q '"event":"peer.denied"' "$SERVER_LOG"
report "server logged the refusal with reason code peer.denied" $?
kill -TERM "$COUNTER_PID" 2>/dev/null
for _ in $(seq 1 30); do grep -q received= "$RUN_DIR/counter.log" && break; sleep 0.1; done
n=$(sed -n 's/^received=\([0-9]*\)$/\1/p' "$RUN_DIR/counter.log")
[ "$n" = 0 ]
report "no datagram reached the denied peer (received=${n:-unknown})" $?
stop_server
summary

#!/usr/bin/env bash
# Restart after kill -9 (issue 6 item 8): with allocations live over UDP and TCP, the server is
# killed with SIGKILL and started again on the same ports at once. It must bind every listener
# (no TIME_WAIT or leftover socket blocks it), and clients with the same credentials allocate
# again right away (a nonce of the dead process gets 438 and a fresh one, never a dead end).
# Real clients: avedge bench (UDP, held allocations) and turnutils_uclient (TCP). avedge only.
. "$(dirname "$0")/lib.sh"
[ "$INTEROP_SERVER" = avedge ] || { echo "avedge only"; exit 0; }
USE_EXTERNAL_SERVER=0
SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export AVEDGE_EXTRA_ARGS="--secret $SECRET"
start_server || { report "avedge starts" 1; summary; exit 1; }
BENCH=("$AVEDGE_BIN" bench --server "$TURN_HOST:$TURN_PORT" --peer-ip 127.0.0.1 --json)
start_bg 120 "$RUN_DIR/peer.log" turnutils_peer -L 127.0.0.1 -p "$PEER_PORT"
wait_listen udp "$PEER_PORT" 127.0.0.1 || { report "turnutils_peer listens" 1; summary; exit 1; }

# Live state at the moment of the kill: 30 held UDP allocations, TCP allocations in flight.
start_bg 60 "$RUN_DIR/hold.json" "${BENCH[@]}" --secret "$SECRET" -n 30 --mode hold --duration 20
HOLD_PID=$LAST_PID
start_bg 60 "$RUN_DIR/uclient_tcp.out" turnutils_uclient -t -p "$TURN_PORT" -e 127.0.0.1 \
  -r "$PEER_PORT" -X -u "$TURN_USER" -w "$TURN_PASS" -n 400 -m 5 -l 100 -z 20 "$TURN_HOST"
UCLIENT_PID=$LAST_PID
for _ in $(seq 1 50); do
  [ "$(ss -Htn state established "( sport = :$TURN_PORT )" | wc -l)" -ge 1 ] && break
  sleep 0.1
done
sleep 1

# A second edge on the same ports refuses to start: its listeners are SO_REUSEPORT, which the
# kernel grants to a second process of the same user, and it would get part of the clients.
timeout 20 "$AVEDGE_BIN" serve -c "$RUN_DIR/avedge.toml" --user "$TURN_USER:$TURN_PASS" \
  --realm "$TURN_REALM" --listen "udp://$TURN_HOST:$TURN_PORT" --listen "tcp://$TURN_HOST:$TURN_PORT" \
  --relay-ip "$TURN_HOST" --relay-ports "$RELAY_MIN-$RELAY_MAX" --admin off >"$RUN_DIR/second.log" 2>&1
rc=$?
owners=$(ss -Hlunp "sport = :$TURN_PORT" | grep -o 'pid=[0-9]*' | sort -u | wc -l)
[ $rc = 1 ] && [ "$owners" = 1 ] && kill -0 "$SERVER_PID" 2>/dev/null &&
  grep -q "cannot bind: UDP port $TURN_PORT is already taken" "$RUN_DIR/second.log"
report "a second avedge on the same ports exits 1 naming the taken port; the first keeps them alone (rc=$rc, $owners process)" $?
[ $rc = 1 ] || tail -3 "$RUN_DIR/second.log"

established=$(ss -Htn state established "( sport = :$TURN_PORT )" | wc -l)
real=$(child_of "$SERVER_PID")
kill -KILL "${real:-$SERVER_PID}" 2>/dev/null
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=""
report "server killed with SIGKILL while holding allocations ($established TCP connections open)" 0

t0=$(date +%s%N)
SERVER_LOG=$RUN_DIR/server.restart.log
launch_avedge
SERVER_PID=$LAST_PID
ready=1
for _ in $(seq 1 100); do
  grep -q 'avedge: ready' "$SERVER_LOG" 2>/dev/null && { ready=0; break; }
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.05
done
ms=$((($(date +%s%N) - t0) / 1000000))
report "restarted on the same ports at once: every listener bound in ${ms} ms" $ready
[ $ready = 0 ] || tail -5 "$SERVER_LOG"

timeout 30 "${BENCH[@]}" --secret "$SECRET" -n 30 --rate 500 --duration 2 >"$RUN_DIR/after.json" 2>&1
grep -q '"ready":30,"failed":0' "$RUN_DIR/after.json" && grep -q '"loss":0.000000' "$RUN_DIR/after.json"
report "the same TURN REST credentials allocate again over UDP and relay with no loss" $?
timeout 30 turnutils_uclient -t -p "$TURN_PORT" -e 127.0.0.1 -r "$PEER_PORT" -X -u "$TURN_USER" \
  -w "$TURN_PASS" -n 5 -m 1 -l 100 "$TURN_HOST" >"$RUN_DIR/uclient_after.out" 2>&1
rc=$?
grep -q 'Total lost packets 0 ' "$RUN_DIR/uclient_after.out" &&
  grep -q 'tot_recv_bytes ~ [1-9]' "$RUN_DIR/uclient_after.out"
ok=$?
[ $rc = 0 ] && [ $ok = 0 ]
report "turnutils_uclient over TCP allocates again with the same user and relays with no loss (rc=$rc)" $?
[ $rc = 0 ] && [ $ok = 0 ] || tail -3 "$RUN_DIR/uclient_after.out"
stop_pid "$HOLD_PID" TERM 2
stop_pid "$UCLIENT_PID" TERM 2
stop_server
summary

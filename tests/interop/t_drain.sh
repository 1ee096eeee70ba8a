#!/usr/bin/env bash
# Drain to the end (issue 6 item 6): two edges of one pool (avedge on 127.0.0.61 and .62).
# `avedge bench` relays through the first; `avedge drain` takes it out of service: the traffic
# goes on with zero loss, /readyz turns 503, a new Allocate (decoded by turn_allocate.py) gets
# 300 Try Alternate with ALTERNATE-SERVER = the other edge, which allocates; when bench tears its
# allocations down the first edge exits (code 0, "the last allocation ended"). A single-edge pool
# (127.0.0.63) answers 403 and, with an allocation left, exits at the deadline; `drain --undo`
# cancels the exit. ~15 s. avedge only.
. "$(dirname "$0")/lib.sh"
[ "$INTEROP_SERVER" = avedge ] || { echo "avedge only"; exit 0; }
[ -x "$AVEDGE_BIN" ] || { echo "avedge binary not found: $AVEDGE_BIN" >&2; exit 1; }
A=127.0.0.61 B=127.0.0.62 C=127.0.0.63
PORT=$(pick_port) || exit 1
ADMIN_A=19290 ADMIN_C=19292
ALLOC=("$PY" "$INTEROP_DIR/turn_allocate.py")

# edge_config IP ADMIN_PORT RELAY_PORTS EDGES: one edge of EDGEPOOL01
edge_config() {
  cat <<TOML
# written by tests/interop/t_drain.sh
[edge]
realm = "avedge.test"
pool = "EDGEPOOL01"
listen = ["udp://$1:$PORT", "tcp://$1:$PORT"]
relay_ips = ["$1"]
relay_ports = "$3"
workers = 2

[auth]
users = ["$TURN_USER:$TURN_PASS"]

[peers]
allow = ["127.0.0.0/8"]

[admin]
listen = "$1:$2"

[[edge_pool]]
name = "EDGEPOOL01"
public_fqdn = "edge.avedge.test"
edges = [$4]
turn_udp_port = $PORT
turn_tcp_port = $PORT
secrets = [{ id = "k1", value = "drain-test-pool-key-0123456789" }]
TOML
}
TWO='{ name = "edgeA", public_ip = "127.0.0.61" }, { name = "edgeB", public_ip = "127.0.0.62" }'
edge_config $A $ADMIN_A 53100-53199 "$TWO" >"$RUN_DIR/a.toml"
edge_config $B 19291 53200-53299 "$TWO" >"$RUN_DIR/b.toml"
edge_config $C $ADMIN_C 53300-53399 '{ name = "edgeC", public_ip = "127.0.0.63" }' >"$RUN_DIR/c.toml"

# start_edge NAME: avedge with NAME.toml (lib.sh start_own_avedge); EDGE_PID
start_edge() {
  start_own_avedge "$RUN_DIR/$1.toml" "$RUN_DIR/$1.log" && EDGE_PID=$EDGE && return 0
  tail -20 "$RUN_DIR/$1.log"
  return 1
}
# exits_within PID SECONDS: the process ends in time; EXIT_CODE is its exit code
exits_within() {
  for _ in $(seq 1 $(($2 * 10))); do
    kill -0 "$1" 2>/dev/null || { wait "$1"; EXIT_CODE=$?; return 0; }
    sleep 0.1
  done
  return 1
}
field() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" "$1" | tr -d '" '; }

start_edge a && PID_A=$EDGE_PID && start_edge b && PID_B=$EDGE_PID
report "two edges of EDGEPOOL01 start on $A and $B port $PORT" $? || { summary; exit 1; }

# Traffic through A across the drain: 10 allocations, ChannelData both ways for 6 s.
start_bg 60 "$RUN_DIR/bench.json" "$AVEDGE_BIN" bench --server "$A:$PORT" --peer-ip 127.0.0.1 \
  --user "$TURN_USER:$TURN_PASS" -n 10 --rate 400 --both --duration 6 --json
BENCH=$LAST_PID
sleep 2
"$AVEDGE_BIN" drain --admin "$A:$ADMIN_A" --deadline 60s >"$RUN_DIR/drain.out" 2>&1
rc=$?
cat "$RUN_DIR/drain.out"
[ $rc = 0 ] && grep -q "300 Try Alternate to $B:$PORT" "$RUN_DIR/drain.out"
report "avedge drain: exit 0, new allocations go to $B:$PORT (rc=$rc)" $?

code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$A:$ADMIN_A/readyz")
[ "$code" = 503 ]
report "/readyz is 503 while draining (got $code)" $?

"${ALLOC[@]}" $A "$PORT" "$TURN_USER" "$TURN_PASS" >"$RUN_DIR/alloc_a.json"
cat "$RUN_DIR/alloc_a.json"
[ "$(field "$RUN_DIR/alloc_a.json" allocate)" = 300 ] &&
  [ "$(field "$RUN_DIR/alloc_a.json" alternate)" = "$B:$PORT" ]
report "a new Allocate on the draining edge: 300 Try Alternate, ALTERNATE-SERVER $B:$PORT" $?

"${ALLOC[@]}" $B "$PORT" "$TURN_USER" "$TURN_PASS" >"$RUN_DIR/alloc_b.json"
[ "$(field "$RUN_DIR/alloc_b.json" allocate)" = 0 ]
ok=$?
report "the alternate edge allocates: $(cat "$RUN_DIR/alloc_b.json")" $ok

kill -0 "$PID_A" 2>/dev/null
report "the draining edge keeps running while bench's allocations live" $?

wait "$BENCH"
echo "  bench: $(cat "$RUN_DIR/bench.json")"
J=$RUN_DIR/bench.json
[ "$(field "$J" ready)" = 10 ] && [ "$(field "$J" sent)" -ge 3000 ] &&
  [ "$(field "$J" received)" = "$(field "$J" sent)" ] && [ "$(field "$J" deallocated)" = 10 ]
report "traffic through the drain: 10 allocations relayed both ways, zero loss, all deallocated" $?

exits_within "$PID_A" 5 && [ "$EXIT_CODE" = 0 ] &&
  grep -q '"event":"server.drained","reason":"drained: the last allocation ended"' "$RUN_DIR/a.log"
report "the drained edge exits 0 after the last allocation ends, saying why" $? ||
  tail -5 "$RUN_DIR/a.log"

# A single-edge pool: 403, and with an allocation left the deadline ends the process.
start_edge c && PID_C=$EDGE_PID
"${ALLOC[@]}" $C "$PORT" "$TURN_USER" "$TURN_PASS" >"$RUN_DIR/alloc_c1.json"
[ "$(field "$RUN_DIR/alloc_c1.json" allocate)" = 0 ]
report "single-edge pool: an allocation before the drain" $?
"$AVEDGE_BIN" drain --admin "$C:$ADMIN_C" --deadline 3s >"$RUN_DIR/drain_c.out" 2>&1
grep -q "403 (no other edge in the pool); 1 allocation(s) left" "$RUN_DIR/drain_c.out"
ok=$?
report "single-edge pool drains: $(cat "$RUN_DIR/drain_c.out")" $ok
"${ALLOC[@]}" $C "$PORT" "$TURN_USER" "$TURN_PASS" >"$RUN_DIR/alloc_c2.json"
[ "$(field "$RUN_DIR/alloc_c2.json" allocate)" = 403 ]
ok=$?
report "single-edge pool: a new Allocate gets 403: $(cat "$RUN_DIR/alloc_c2.json")" $ok
kill -0 "$PID_C" 2>/dev/null && sleep 1.5 && kill -0 "$PID_C" 2>/dev/null &&
  exits_within "$PID_C" 4 && [ "$EXIT_CODE" = 0 ] &&
  grep -q 'drain deadline passed with 1 allocation(s) left' "$RUN_DIR/c.log"
report "with an allocation left, the edge exits 0 at the 3 s deadline, saying why" $? ||
  tail -5 "$RUN_DIR/c.log"
# --undo: B (one allocation left from above) drains with a 2 s deadline, then serves again.
"$AVEDGE_BIN" drain --admin "$B:19291" --deadline 2s >/dev/null 2>&1 &&
  "$AVEDGE_BIN" drain --admin "$B:19291" --undo >"$RUN_DIR/undo.out" 2>&1 && sleep 2.5 &&
  kill -0 "$PID_B" 2>/dev/null && "${ALLOC[@]}" $B "$PORT" "$TURN_USER" "$TURN_PASS" >"$RUN_DIR/alloc_b2.json" &&
  [ "$(field "$RUN_DIR/alloc_b2.json" allocate)" = 0 ]
ok=$?
report "drain --undo cancels the exit and the edge allocates again: $(cat "$RUN_DIR/undo.out")" $ok
stop_pid "$PID_B"
summary

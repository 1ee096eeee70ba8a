#!/usr/bin/env bash
# Late wake-ups from the latency budget's wait (decision 0019): avedge (nice 19) shares CPU 0
# with a task that spins 1 ms of every 2 (nice 0), so the worker's budget waits end hundreds of
# µs after their timer whatever their length. The worker must notice (more than 1% of 1024
# waits late), try the shortest wait, find it as late, go back to the budget and say that the
# core is busy with other work, not the host's halt-poll window; nothing relayed may be lost
# meanwhile. The generator runs on CPU 1. ~15 s. avedge only (own server); needs 2 cores.
. "$(dirname "$0")/lib.sh"
[ "$INTEROP_SERVER" = avedge ] || { echo "avedge only"; exit 0; }
[ "$(nproc)" -ge 2 ] || { echo "needs two cores"; exit 0; }
IP=127.0.0.44
PORT=$(pick_port) || exit 1
ADMIN=$(pick_port "$PORT") || exit 1
SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat >"$RUN_DIR/late.toml" <<TOML
# written by tests/interop/t_budget_late.sh
[edge]
realm = "avedge.test"
listen = ["udp://$IP:$PORT"]
relay_ips = ["$IP"]
relay_ports = "52500-52599"
workers = 1
# Every turn below a batch is followed by a budget wait, whether it pays or not (decision
# 0020): at this rate, beside a spinning task, the worker might otherwise choose to wait for
# the next packet instead, and this test is about the budget's waits.
latency_budget_when_cheaper = false
[auth]
secrets = ["$SECRET"]
dev_credentials = false
[peers]
allow = ["127.0.0.0/8"]
[log]
level = "info"
[admin]
listen = "$IP:$ADMIN"
TOML
metric() { admin_metric "$IP:$ADMIN" "$1"; }

start_bg 60 "$RUN_DIR/edge.log" taskset -c 0 nice -n 19 "$AVEDGE_BIN" serve -c "$RUN_DIR/late.toml"
for _ in $(seq 1 100); do
  grep -q 'avedge: ready' "$RUN_DIR/edge.log" 2>/dev/null && break
  sleep 0.1
done
grep -q 'avedge: ready' "$RUN_DIR/edge.log"
report "avedge starts on CPU 0 at nice 19" $? || { tail -20 "$RUN_DIR/edge.log"; summary; exit 1; }
[ "$(metric avedge_budget_wait_us)" = 175 ]
report "before: avedge_budget_wait_us = the default budget, 175" $?

# 1 ms spinning, 1 ms asleep, on the worker's core, for a little longer than the traffic.
start_bg 30 "$RUN_DIR/spin.log" taskset -c 0 "$PY" -c '
import time
end = time.monotonic() + 14
while time.monotonic() < end:
    t = time.perf_counter()
    while time.perf_counter() - t < 0.001:
        pass
    time.sleep(0.001)'
SPIN=$LAST_PID
timeout 40 taskset -c 1 "$AVEDGE_BIN" bench --server "$IP:$PORT" --peer-ip "$IP" --secret "$SECRET" \
  -n 20 --rate 5000 --duration 10 --json >"$RUN_DIR/bench.json" 2>"$RUN_DIR/bench.err"
kill "$SPIN" 2>/dev/null
echo "  bench: $(cat "$RUN_DIR/bench.json")"
sent=$(json_field bench sent)
[ "$(json_field bench ready)" = 20 ] && [ "${sent:-0}" -ge 40000 ] &&
  [ "$(json_field bench received)" = "$sent" ]
report "20 allocations at 5000 packets/s for 10 s beside the spinning task: nothing lost ($sent sent)" $?

grep -E "budget|late" "$RUN_DIR/edge.log" | head -4 | cut -c1-220 | sed 's/^/  /'
late=$(metric avedge_budget_late_wakeups_total)
[ "${late:-0}" -gt 10 ]
report "avedge_budget_late_wakeups_total counts the late waits ($late)" $?
grep -q "trying 25 µs waits to see whether their length is the cause" "$RUN_DIR/edge.log"
report "the worker tries the shortest wait after a late sample (info line)" $?
grep -q "end late even when short: the core is busy with other work" "$RUN_DIR/edge.log"
report "late at the shortest wait too: back to the budget, the warning names the busy core" $?
! grep -q "end late only when they are long" "$RUN_DIR/edge.log"
report "the lateness is not blamed on the wait's length (no halt-poll warning)" $?
summary

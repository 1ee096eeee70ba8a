#!/usr/bin/env bash
# Observability end to end (issue 5): avedge with its admin listener on 127.0.0.51; `avedge stat
# --count 2` shows the allocation line; `avedge perf collect --template edge --interval 1s
# --duration 8s` while turnutils_uclient relays and floods wrong passwords (auth failures cross
# the edge template's 10/20 per second rule); the CSV has one row per interval; `avedge perf
# report` renders in headless Chromium (perf_report_check.py: screenshot not blank, charts,
# threshold bands, crossings table); the event log rate-limits the flood with "suppressed N"
# lines and never carries a password. ~25 s. avedge only (own server).
. "$(dirname "$0")/lib.sh"
[ "$INTEROP_SERVER" = avedge ] || { echo "avedge only"; exit 0; }
[ -x "$AVEDGE_BIN" ] || { echo "avedge binary not found: $AVEDGE_BIN" >&2; exit 1; }
IP=127.0.0.51
PORT=$(pick_port) || exit 1
ADMIN_PORT=""
for p in $(seq 19190 19199); do port_free "$p" && { ADMIN_PORT=$p; break; }; done
[ -n "$ADMIN_PORT" ] || { report "a free admin port in 19190-19199" 1; summary; exit 1; }
ADMIN=$IP:$ADMIN_PORT
GOOD_PASS=Pw-perf-7f3a91
BAD_PASS=wrong-Pw-9c1e55
cat >"$RUN_DIR/perf.toml" <<TOML
# written by tests/interop/t_perf.sh
[edge]
realm = "avedge.test"
listen = ["udp://$IP:$PORT", "tcp://$IP:$PORT"]
relay_ips = ["$IP"]
relay_ports = "52300-52499"
workers = 2
[auth]
users = ["alice:$GOOD_PASS"]
[peers]
allow = ["127.0.0.0/8"]
[admin]
listen = "$ADMIN"
# The wrong-password flood below must reach the auth path at more than 20/s from 127.0.0.1.
[limits]
challenges_per_second = 0
[log]
events = "$RUN_DIR/events.jsonl"
events_rate = 5
TOML
SERVER_LOG=$RUN_DIR/server.log
start_bg 120 "$SERVER_LOG" "$AVEDGE_BIN" serve -c "$RUN_DIR/perf.toml"
SERVER_PID=$LAST_PID
for _ in $(seq 1 100); do
  grep -q 'avedge: ready' "$SERVER_LOG" 2>/dev/null && wait_listen tcp "$ADMIN_PORT" "$IP" && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
grep -q 'avedge: ready' "$SERVER_LOG" && listening tcp "$ADMIN_PORT" "$IP"
report "avedge starts on $IP:$PORT with its admin API on $ADMIN" $? || { tail -20 "$SERVER_LOG"; summary; exit 1; }

# -- avedge stat ---------------------------------------------------------------
timeout 10 "$AVEDGE_BIN" stat --admin "$ADMIN" --count 2 >"$RUN_DIR/stat.out" 2>&1
rc=$?
[ "$rc" = 0 ] && [ "$(grep -c '^allocations  *[0-9]* active' "$RUN_DIR/stat.out")" = 2 ] &&
  grep -q '^auth  *failures [0-9.]*/s' "$RUN_DIR/stat.out"
report "avedge stat --count 2 prints two refreshes with the allocation line (rc=$rc)" $? ||
  cat "$RUN_DIR/stat.out"

# -- perf collect under traffic ----------------------------------------------
start_bg 40 "$RUN_DIR/collect.log" "$AVEDGE_BIN" perf collect --template edge --interval 1s \
  --duration 8s -o "$RUN_DIR/run.csv" --admin "$ADMIN"
COLLECT_PID=$LAST_PID
sleep 0.5
start_bg 30 "$RUN_DIR/good.out" turnutils_uclient -y -n 40 -m 2 -u alice -w "$GOOD_PASS" \
  -p "$PORT" "$IP"
GOOD_PID=$LAST_PID
sleep 1.5
# About 4 s of wrong passwords: each run refuses ~5 Allocates with 401 (auth.bad_integrity).
t_end=$((SECONDS + 4))
while [ "$SECONDS" -lt "$t_end" ]; do
  timeout 5 turnutils_uclient -y -n 1 -m 5 -u alice -w "$BAD_PASS" -p "$PORT" "$IP" \
    >>"$RUN_DIR/bad.out" 2>&1
  sleep 0.1
done
wait "$GOOD_PID" 2>/dev/null
wait "$COLLECT_PID"
rc=$?
report "avedge perf collect finishes (rc=$rc: $(tail -1 "$RUN_DIR/collect.log"))" "$rc"
rows=$(($(grep -c . "$RUN_DIR/run.csv") - 1))
[ "$rows" = 8 ]
report "run.csv has one row per interval (8 s / 1 s: $rows rows)" $?
head -1 "$RUN_DIR/run.csv" | grep -q '^time,.*"rate(avedge_auth_failures_total{reason=bad_integrity,transport=udp})"'
report "run.csv header: time, then rate(series) columns for counters" $?
col=$(head -1 "$RUN_DIR/run.csv" | "$PY" -c 'import csv,sys; h=next(csv.reader(sys.stdin)); print(h.index("rate(avedge_auth_failures_total{reason=bad_integrity,transport=udp})"))' 2>/dev/null)
peak=$("$PY" -c "import csv,sys; r=list(csv.reader(open(sys.argv[1])))[1:]; print(int(max(float(x[$col] or 0) for x in r)))" "$RUN_DIR/run.csv" 2>/dev/null)
[ "${peak:-0}" -gt 20 ]
report "auth failures per second peak above the error threshold 20 (peak ${peak:-?}/s)" $?
relayed=$("$PY" -c "import csv,sys; rd=csv.reader(open(sys.argv[1])); h=next(rd); i=h.index('rate(avedge_relayed_packets_total{direction=to_peer})'); print(int(sum(float(x[i] or 0) for x in rd)))" "$RUN_DIR/run.csv" 2>/dev/null)
[ "${relayed:-0}" -gt 0 ]
report "relayed packets to peers seen in the CSV (sum of rates ${relayed:-?})" $?

# -- perf report in headless Chromium ------------------------------------------
timeout 30 "$AVEDGE_BIN" perf report "$RUN_DIR/run.csv" --template edge -o "$RUN_DIR/report.html" \
  >"$RUN_DIR/report.out" 2>&1
rc=$?
[ "$rc" = 0 ] && grep -q 'threshold crossings' "$RUN_DIR/report.out" && ! grep -q ' 0 threshold' "$RUN_DIR/report.out"
ok=$?  # before the message's $(...), which would set $? again
report "avedge perf report writes report.html with crossings ($(cat "$RUN_DIR/report.out"))" $ok
timeout 60 "$PY" "$INTEROP_DIR/perf_report_check.py" "$RUN_DIR/report.html" \
  --screenshot "$RUN_DIR/report.png" --group authentication --group allocations \
  --group relayed-packets --crossing auth.bad_integrity >"$RUN_DIR/chromium.out" 2>&1
grep -E '^(PASS|FAIL) ' "$RUN_DIR/chromium.out" | sed 's/^\(PASS\|FAIL\) /\1 chromium: /'
PASS=$((PASS + $(grep -c '^PASS ' "$RUN_DIR/chromium.out")))
FAIL=$((FAIL + $(grep -c '^FAIL ' "$RUN_DIR/chromium.out")))
grep -qE '^[0-9]+ passed, 0 failed' "$RUN_DIR/chromium.out"
report "perf_report_check.py completes" $? || tail -20 "$RUN_DIR/chromium.out"
[ -n "${INTEROP_KEEP_PERF:-}" ] && cp "$RUN_DIR/report.html" "$RUN_DIR/report.png" "$RUN_DIR/run.csv" "$INTEROP_KEEP_PERF/"

# -- event log -------------------------------------------------------------------
EV=$RUN_DIR/events.jsonl
n_bad=$(grep -c '"event":"auth.bad_integrity","severity":"warning","worker"' "$EV")
n_sup=$(grep -c '"event":"auth.bad_integrity".*"suppressed":[1-9]' "$EV")
[ "$n_sup" -ge 1 ] && [ "$n_bad" -le $((5 * 2 * 12)) ]
report "event log: the wrong-password flood is rate-limited ($n_bad lines, $n_sup suppressed summaries)" $?
"$PY" -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$EV"
report "event log: every line is a JSON object" $?
! grep -q -e "$GOOD_PASS" -e "$BAD_PASS" "$EV" "$SERVER_LOG"
report "no password in the event log or the server log" $?

stop_pid "$SERVER_PID" TERM 10
summary

#!/usr/bin/env bash
# run.sh -- the whole interop suite against ONE server instance.
#   bash tests/interop/run.sh                        # build/avedge (default)
#   INTEROP_SERVER=coturn bash tests/interop/run.sh  # self-check against coturn
#   AVEDGE_BIN=build-asan/avedge bash tests/interop/run.sh
#   INTEROP_ONLY="t_uclient t_chromium" bash tests/interop/run.sh
#   INTEROP_OWN_SERVER_RECIPES="t_pools" (avedge-only recipes that start their own server)
#
# 1. picks free ports (23000-23999), writes a self-signed cert (SAN 127.0.0.1)
# 2. starts tshark on lo, port $TURN_PORT, under timeout
# 3. starts the server (avedge serve with flags + a small TOML for [tls])
# 4. runs every t_*.sh recipe with USE_EXTERNAL_SERVER=1 against it
# 5. checks the server is still alive, stops it by PID (SIGTERM, must exit
#    within 10 s) and checks its log for sanitizer reports
# 6. stops tshark by PID and runs the tshark STUN well-formedness gate
# Every check prints PASS/FAIL; the last line is "N passed, M failed".
. "$(dirname "$0")/lib.sh"

RECIPES=${INTEROP_ONLY:-t_stun_probes t_python_ice t_libnice t_chromium t_uclient}
CAP=$RUN_DIR/turn-port.pcap
T_START=$SECONDS

echo "== interop: server=$INTEROP_SERVER$([ "$INTEROP_SERVER" = avedge ] && echo " ($AVEDGE_BIN)") run dir=$RUN_DIR"

# -- capture -------------------------------------------------------------------
TSHARK_PID=""
start_capture() {
  start_bg 1500 "$RUN_DIR/tshark.log" tshark -i lo -f "port $TURN_PORT" -w "$CAP" -q
  TSHARK_PID=$LAST_PID
  for _ in $(seq 1 100); do
    grep -q "Capturing on" "$RUN_DIR/tshark.log" 2>/dev/null && return 0
    kill -0 "$TSHARK_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "tshark did not start capturing:" >&2
  cat "$RUN_DIR/tshark.log" >&2
  return 1
}

# -- server --------------------------------------------------------------------
# The capture needs the final port, and start_server may move to new ports if
# the picked ones were taken meanwhile: restart the capture in that case.
start_capture || echo "(continuing without capture; the tshark gate will fail)"
CAP_PORT=$TURN_PORT
if ! start_server; then
  report "$INTEROP_SERVER starts and listens on udp/tcp $TURN_PORT and tls $TURN_TLS_PORT" 1
  summary
  exit 1
fi
if [ "$CAP_PORT" != "$TURN_PORT" ] && [ -n "$TSHARK_PID" ]; then
  stop_pid "$TSHARK_PID" INT 10
  start_capture || true
fi
report "$INTEROP_SERVER starts and listens on udp/tcp $TURN_PORT and tls $TURN_TLS_PORT" 0

# -- recipes -------------------------------------------------------------------
export USE_EXTERNAL_SERVER=1 INTEROP_CERT_DIR TURN_PORT TURN_TLS_PORT PEER_PORT
for t in $RECIPES; do
  echo "== $t"
  t0=$SECONDS
  out=$(timeout 600 bash "$INTEROP_DIR/$t.sh" 2>&1)
  rc=$?
  # show the checks and whatever diagnostics the recipe printed for failures
  echo "$out" | grep -vE '^(USE_EXTERNAL_SERVER|[0-9]+ passed, [0-9]+ failed)'
  p=$(grep -c '^PASS ' <<<"$out")
  f=$(grep -c '^FAIL ' <<<"$out")
  PASS=$((PASS + p)); FAIL=$((FAIL + f))
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
    report "$t finished without a failing check but exited rc=$rc" 1
  fi
  echo "   ($((SECONDS - t0)) s)"
done

# -- server health -------------------------------------------------------------
echo "== server"
kill -0 "$SERVER_PID" 2>/dev/null
report "$INTEROP_SERVER still running after all clients" $?
stop_server
report "$INTEROP_SERVER exits within 10 s of SIGTERM" $?
if grep -qE 'ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:' "$SERVER_LOG"; then
  grep -m5 -E 'ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:' "$SERVER_LOG"
  report "$INTEROP_SERVER log free of sanitizer reports" 1
else
  report "$INTEROP_SERVER log free of sanitizer reports" 0
fi
if [ "$FAIL" != 0 ]; then
  echo "--- last 30 lines of the server log ($SERVER_LOG):"
  tail -30 "$SERVER_LOG"
fi

# -- tshark gate ---------------------------------------------------------------
echo "== tshark well-formedness of everything seen on port $TURN_PORT"
if [ -n "$TSHARK_PID" ]; then
  sleep 1
  stop_pid "$TSHARK_PID" INT 10
fi
if [ -s "$CAP" ]; then
  bash "$INTEROP_DIR/tshark_stun_check.sh" "$CAP" "$TURN_PORT"
  # the gate prints its own PASS/FAIL line; count it
  [ $? = 0 ] && PASS=$((PASS + 1)) || FAIL=$((FAIL + 1))
else
  report "tshark STUN well-formedness (no capture file)" 1
fi
if [ "$FAIL" != 0 ] && [ -s "$CAP" ] && [ -n "${INTEROP_KEEP_PCAP:-}" ]; then
  cp "$CAP" "$INTEROP_KEEP_PCAP" && echo "capture kept: $INTEROP_KEEP_PCAP"
fi
# -- avedge-only checks, each with a server of its own -------------------------
# After the capture: the default peer policy (no --allow-peer), the embedded default of
# `make run`, and malformed input (which must not reach the tshark well-formedness gate).
if [ "$INTEROP_SERVER" = avedge ]; then
  for t in ${INTEROP_OWN_SERVER_RECIPES:-t_peer_policy t_default_config t_malformed t_pools t_mras t_probe t_bench_smoke t_restart t_soak t_metrics t_perf t_amplification t_limits t_drain t_reload t_fast_path t_budget_late}; do
    echo "== $t"
    t0=$SECONDS
    out=$(USE_EXTERNAL_SERVER=0 timeout 300 bash "$INTEROP_DIR/$t.sh" 2>&1)
    echo "$out" | grep -vE '^[0-9]+ passed, [0-9]+ failed'
    PASS=$((PASS + $(grep -c '^PASS ' <<<"$out"))); FAIL=$((FAIL + $(grep -c '^FAIL ' <<<"$out")))
    echo "   ($((SECONDS - t0)) s)"
  done
fi

echo "== interop done in $((SECONDS - T_START)) s"
summary

#!/usr/bin/env bash
# Malformed input against the running server, UDP and TCP (tests/interop/malformed_input.py),
# then proof that it still relays: a turnutils_uclient run with zero loss. ~8 s.
. "$(dirname "$0")/lib.sh"
start_server || exit 1
out=$(timeout 60 "$PY" "$INTEROP_DIR/malformed_input.py" 2>&1)
echo "$out" | grep -E '^(PASS|FAIL) ' | sed 's/^\(PASS\|FAIL\) /\1 malformed: /'
PASS=$((PASS + $(grep -c '^PASS ' <<<"$out"))); FAIL=$((FAIL + $(grep -c '^FAIL ' <<<"$out")))
grep -qE '^[0-9]+ passed' <<<"$out" || { report "malformed_input.py ran to the end" 1; echo "$out" | tail -5; }
timeout 30 turnutils_uclient -y -n 20 -m 1 -l 200 -u "$TURN_USER" -w "$TURN_PASS" -p "$TURN_PORT" \
  "$TURN_HOST" >"$RUN_DIR/after.out" 2>&1
line=$(grep 'start_mclient: tot_send_bytes' "$RUN_DIR/after.out" | tail -1)
s=$(sed -n 's/.*tot_send_bytes ~ \([0-9]*\).*/\1/p' <<<"$line"); r=$(sed -n 's/.*tot_recv_bytes ~ \([0-9]*\).*/\1/p' <<<"$line")
[ -n "$s" ] && [ "${s:-0}" -gt 0 ] && [ "$s" = "$r" ] && grep -q 'Total lost packets 0 ' "$RUN_DIR/after.out"
report "relaying still works after the malformed input (sent=$s recv=$r)" $?
summary

#!/usr/bin/env bash
# Headless Debian Chromium: two RTCPeerConnections, iceTransportPolicy
# 'relay', data channel echo, selected pair must be relay/relay; TURN over
# UDP, TCP and TLS (turns:). ~5 s.
# Debian: chromium chromium-driver python3-selenium
# TURNS with the self-signed test cert needs --ignore-certificate-errors.
. "$(dirname "$0")/lib.sh"
start_server || exit 1
CHROMIUM_EXTRA_FLAGS=${CHROMIUM_EXTRA_FLAGS:---ignore-certificate-errors} \
timeout 120 "$PY" "$INTEROP_DIR/chromium/chromium_relay.py" \
  --turn "turn:$TURN_HOST:$TURN_PORT?transport=udp" \
  --turn "turn:$TURN_HOST:$TURN_PORT?transport=tcp" \
  --turn "turns:$TURN_HOST:$TURN_TLS_PORT?transport=tcp" >"$RUN_DIR/c.txt" 2>&1
rc=$?
n=0
while read -r l; do
  n=$((n + 1))
  report "${l#* }" "$([ "${l%% *}" = PASS ]; echo $?)"
done < <(grep -E '^(PASS|FAIL) chromium' "$RUN_DIR/c.txt" | cut -d' ' -f1-6)
[ "$n" = 3 ] || report "chromium driver produced $n of 3 results (rc=$rc)" 1
[ $rc = 0 ] || tail -30 "$RUN_DIR/c.txt"
summary

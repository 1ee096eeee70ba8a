#!/usr/bin/env bash
# aioice (two ICE agents, relay-only) and aiortc (two RTCPeerConnections with
# a data channel, relay-only) over TURN/UDP, TURN/TCP and TURN/TLS. ~5 s.
# Debian: python3-aioice python3-aiortc (run with /usr/bin/python3).
# aiortc verifies the TURNS certificate: SSL_CERT_FILE points at the test
# server's self-signed cert (SAN IP:127.0.0.1).
. "$(dirname "$0")/lib.sh"
start_server || exit 1
CA=${TURNS_CA:-${INTEROP_CERT_DIR:-$RUN_DIR}/cert.pem}
for t in udp tcp tls; do
  timeout 40 "$PY" "$INTEROP_DIR/aioice_relay.py" --transport $t >"$RUN_DIR/a.txt" 2>&1
  ok=$(grep -q '^PASS' "$RUN_DIR/a.txt"; echo $?)
  report "aioice relay-only $t: $(grep -o 'round_trips_ok=[0-9/]*' "$RUN_DIR/a.txt")" "$ok"
  [ "$ok" = 0 ] || tail -5 "$RUN_DIR/a.txt"
done
for u in "turn:$TURN_HOST:$TURN_PORT?transport=udp" "turn:$TURN_HOST:$TURN_PORT?transport=tcp" "turns:$TURN_HOST:$TURN_TLS_PORT?transport=tcp"; do
  SSL_CERT_FILE=$CA timeout 60 "$PY" "$INTEROP_DIR/aiortc_datachannel.py" --url "$u" >"$RUN_DIR/b.txt" 2>&1
  ok=$(grep -q '^PASS' "$RUN_DIR/b.txt"; echo $?)
  report "aiortc datachannel ${u%%:*}/${u##*=}: $(grep -o 'echoed=[0-9/]* relay_pair=[A-Za-z]*' "$RUN_DIR/b.txt")" "$ok"
  [ "$ok" = 0 ] || tail -5 "$RUN_DIR/b.txt"
done
summary

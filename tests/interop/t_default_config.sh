#!/usr/bin/env bash
# What `make run` promises: `avedge serve` with no arguments (the embedded default) prints an
# iceServers snippet whose credential works. The printed username/credential drive aioice over
# UDP and TCP and Chromium over TURN/UDP, TURN/TCP and TURNS, against that server. Needs the
# default ports (3478 udp/tcp, 5349 tcp, 8080 tcp) free; if they are taken it says SKIP (not counted).
. "$(dirname "$0")/lib.sh"
[ "$INTEROP_SERVER" = avedge ] || { echo "avedge only"; exit 0; }
for p in 3478 5349 8080; do
  if ! port_free "$p"; then echo "SKIP default config: port $p is in use"; summary; exit 0; fi
done
LOG=$RUN_DIR/default.log
start_bg 120 "$LOG" "$AVEDGE_BIN" serve
PID=$LAST_PID
for _ in $(seq 1 100); do grep -q 'avedge: ready' "$LOG" && break; kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
grep -q 'avedge: ready' "$LOG"
report "avedge serve (embedded default) becomes ready" $?
line=$(grep -m1 'iceServers:' "$LOG")
user=$(sed -n 's/.*username: "\([^"]*\)".*/\1/p' <<<"$line")
cred=$(sed -n 's/.*credential: "\([^"]*\)".*/\1/p' <<<"$line")
[ -n "$user" ] && [ -n "$cred" ] && grep -q 'turn:127.0.0.1:3478?transport=udp' <<<"$line" &&
  grep -q 'turns:127.0.0.1:5349?transport=tcp' <<<"$line"
report "banner prints an iceServers snippet with udp, tcp and turns URLs and a credential" $?
export TURN_HOST=127.0.0.1 TURN_PORT=3478 TURN_TLS_PORT=5349 TURN_USER=$user TURN_PASS=$cred
for t in udp tcp; do
  timeout 40 "$PY" "$INTEROP_DIR/aioice_relay.py" --transport $t >"$RUN_DIR/a.txt" 2>&1
  ok=$(grep -q '^PASS' "$RUN_DIR/a.txt"; echo $?)
  report "printed credential works: aioice relay-only $t" "$ok"
  [ "$ok" = 0 ] || tail -5 "$RUN_DIR/a.txt"
done
# The browser gets exactly the URLs of the snippet (self-signed cert: --ignore-certificate-errors).
mapfile -t urls < <(grep -o '"turns\?:[^"]*"' <<<"$line" | tr -d '"')
args=(); for u in "${urls[@]}"; do args+=(--turn "$u"); done
CHROMIUM_EXTRA_FLAGS="--ignore-certificate-errors" timeout 120 "$PY" "$INTEROP_DIR/chromium/chromium_relay.py" \
  "${args[@]}" >"$RUN_DIR/c.txt" 2>&1
n_pass=$(grep -c '^PASS' "$RUN_DIR/c.txt")
[ "$n_pass" = "${#urls[@]}" ] && [ "$n_pass" -ge 3 ]
report "printed iceServers work in Chromium, relay-only (${n_pass}/${#urls[@]} URLs)" $?
[ "$n_pass" = "${#urls[@]}" ] || tail -8 "$RUN_DIR/c.txt"
# The curl line of the banner (development MRAS over HTTP): its credential relays too.
curl_line=$(grep -m1 "curl -s -H 'Authorization: Bearer" "$LOG" | sed 's/^ *//')
json=$(bash -c "$curl_line --max-time 5" 2>/dev/null)
mu=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["username"])' "$json" 2>/dev/null)
mp=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["password"])' "$json" 2>/dev/null)
[ -n "$mu" ] && [ -n "$mp" ]
report "banner's MRAS curl line returns a pool credential" $? || echo "curl: $curl_line -> $json"
TURN_USER=$mu TURN_PASS=$mp timeout 40 "$PY" "$INTEROP_DIR/aioice_relay.py" --transport udp >"$RUN_DIR/m.txt" 2>&1
grep -q '^PASS' "$RUN_DIR/m.txt"
report "the MRAS credential relays: aioice relay-only udp" $? || tail -5 "$RUN_DIR/m.txt"
kill -TERM "$PID" 2>/dev/null
for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$PID" 2>/dev/null
report "avedge (default) exits on SIGTERM" $?
summary

#!/usr/bin/env bash
# Amplification and floods (issue 6 item 3; SECURITY.md §2, RFC 8489 §9.2): avedge on 127.0.0.71
# with [limits] challenges_per_second = 2, challenges_burst = 2. Unauthenticated Allocates
# (minimal 28-byte ones and realistic ones with LIFETIME, DONT-FRAGMENT and FINGERPRINT) from
# 3000 source addresses 127.a.b.c (real sockets bound to each; the answers really reach them
# and are counted) and from one hot address at 5000/s: bytes answered per byte sent <= 1.
# Then 12 s of Allocates with a valid USERNAME/REALM/NONCE and a forged MESSAGE-INTEGRITY: RSS
# stays flat (< 4 MB growth) and turnutils_uclient still allocates and relays meanwhile.
# Counters: avedge_drops_total{reason="rate_limit"}, event drop.rate_limited. avedge only.
. "$(dirname "$0")/lib.sh"
[ "$INTEROP_SERVER" = avedge ] || { echo "avedge only"; exit 0; }
[ -x "$AVEDGE_BIN" ] || { echo "avedge binary not found: $AVEDGE_BIN" >&2; exit 1; }
IP=127.0.0.71
PORT=$(pick_port) || exit 1
PEER=$(pick_port "$PORT") || exit 1
ADMIN=${AMP_ADMIN_PORT:-19390}
FLOOD=("$PY" "$INTEROP_DIR/amplification_flood.py")

cat >"$RUN_DIR/amp.toml" <<TOML
# written by tests/interop/t_amplification.sh
[edge]
realm = "$TURN_REALM"
listen = ["udp://$IP:$PORT"]
relay_ips = ["$IP"]
relay_ports = "52500-52599"
workers = 2

[auth]
users = ["$TURN_USER:$TURN_PASS"]

[peers]
allow = ["127.0.0.0/8"]

[limits]
challenges_per_second = 2
challenges_burst = 2

[admin]
listen = "$IP:$ADMIN"
TOML

start_own_avedge "$RUN_DIR/amp.toml" "$RUN_DIR/edge.log"
report "avedge starts on $IP:$PORT with challenges_per_second = 2, burst 2" $? ||
  { tail -20 "$RUN_DIR/edge.log"; summary; exit 1; }
SERVER=$(child_of "$EDGE")
SERVER=${SERVER:-$EDGE}

metric() { admin_metric "$IP:$ADMIN" "$1"; }
field() { sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p"; }
# le_one RATIO: RATIO <= 1
le_one() { awk -v r="$1" 'BEGIN { exit !(r != "" && r <= 1.0) }'; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER/status"; }

out=$("${FLOOD[@]}" hot "$IP" "$PORT" --seconds 5 --rate 5000)
echo "  hot source: $out"
ratio=$(field ratio <<<"$out")
answers=$(field answers <<<"$out")
le_one "$ratio" && [ "${answers:-99}" -le 14 ]
report "one hot source, 5000 Allocates/s for 5 s: $answers answers (burst 2 + 2/s), bytes out/in = $ratio <= 1" $?

out=$("${FLOOD[@]}" spoofed "$IP" "$PORT" --sources 3000 --per-source 10)
echo "  spoofed sources: $out"
ratio=$(field ratio <<<"$out")
le_one "$ratio"
report "3000 spoofed sources x 10 Allocates (minimal and realistic): bytes out/in = $ratio <= 1" $?

drops=$(metric 'avedge_drops_total{reason="rate_limit"}')
[ "${drops:-0}" -gt 20000 ] && grep -q '"event":"drop.rate_limited"' "$RUN_DIR/edge.log"
report "avedge_drops_total{reason=\"rate_limit\"} = $drops; drop.rate_limited in the event log" $?

# Forged integrity for 12 s while a real client allocates and relays.
start_bg 60 "$RUN_DIR/peer.log" turnutils_peer -L 127.0.0.1 -p "$PEER"
wait_listen udp "$PEER" 127.0.0.1 || { report "turnutils_peer listens" 1; summary; exit 1; }
rss0=$(rss_kb)
start_bg 30 "$RUN_DIR/forged.json" "${FLOOD[@]}" forged "$IP" "$PORT" --seconds 12 \
  --user "$TURN_USER" --realm "$TURN_REALM"
FORGED=$LAST_PID
sleep 2
timeout 30 turnutils_uclient -p "$PORT" -e 127.0.0.1 -r "$PEER" -X -u "$TURN_USER" \
  -w "$TURN_PASS" -n 50 -m 2 -l 120 "$IP" >"$RUN_DIR/uclient.out" 2>&1
rc=$?
lost=$(sed -n 's/.*Total lost packets \([0-9]*\) .*/\1/p' "$RUN_DIR/uclient.out" | tail -1)
[ "$rc" = 0 ] && [ -n "$lost" ] && [ "$lost" -le 5 ]
report "during the forged-integrity flood turnutils_uclient allocates and relays (lost $lost of 100)" $? ||
  tail -5 "$RUN_DIR/uclient.out"
peak=$rss0
while kill -0 "$FORGED" 2>/dev/null; do
  r=$(rss_kb); [ "${r:-0}" -gt "$peak" ] && peak=$r
  sleep 0.5
done
wait "$FORGED"
out=$(cat "$RUN_DIR/forged.json")
echo "  forged integrity: $out"
sent=$(field sent <<<"$out")
ratio=$(field ratio <<<"$out")
rss1=$(rss_kb)
[ "${sent:-0}" -gt 10000 ] && [ $((peak - rss0)) -lt 4096 ] && le_one "$ratio"
report "12 s of forged MESSAGE-INTEGRITY ($sent requests): RSS ${rss0} -> peak ${peak} -> ${rss1} kB (< 4 MB growth), bytes out/in = $ratio" $?
failures=$(metric 'avedge_auth_failures_total{reason="bad_integrity",transport="udp"}')
[ "${failures:-0}" -ge "${sent:-1}" ] 2>/dev/null || [ "${failures:-0}" -gt 10000 ]
report "every forged request counted: avedge_auth_failures_total{reason=\"bad_integrity\"} = $failures" $?

kill -0 "$EDGE" 2>/dev/null
report "avedge still running after the floods" $?
summary

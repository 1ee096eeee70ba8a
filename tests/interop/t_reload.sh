#!/usr/bin/env bash
# Hot reload (issue 6 item 7): avedge on 127.0.0.64 with a configuration file; `avedge bench`
# relays through it across a reload with zero loss and no allocation dropped. Then: a user added
# by the reload allocates and a removed one gets 401; a peer newly denied gets 403 on
# CreatePermission (turn_allocate.py decodes the raw answers); the new certificate is served
# (openssl s_client shows its subject); a broken file is refused with file:line (exit 1) and the
# edge keeps working; SIGHUP does the same as `avedge reload`; `--dry-run` names a listener
# change as needing a restart and applies nothing; an unreachable edge is exit 2. ~20 s.
. "$(dirname "$0")/lib.sh"
[ "$INTEROP_SERVER" = avedge ] || { echo "avedge only"; exit 0; }
[ -x "$AVEDGE_BIN" ] || { echo "avedge binary not found: $AVEDGE_BIN" >&2; exit 1; }
IP=127.0.0.64
PORT=$(pick_port) || exit 1
TLS_PORT=$(pick_port "$PORT") || exit 1
ADMIN=19294
CONF=$RUN_DIR/reload.toml
ALLOC=("$PY" "$INTEROP_DIR/turn_allocate.py" "$IP" "$PORT")
RELOAD=("$AVEDGE_BIN" reload --admin "$IP:$ADMIN")

for n in one two; do
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$RUN_DIR/$n.key" -out "$RUN_DIR/$n.pem" \
    -days 2 -subj "/CN=reload-$n" -addext subjectAltName=IP:$IP >/dev/null 2>&1
done

# write_config USERS ALLOW CERT [EXTRA_LISTENER] [EXTRA_EDGE_LINE]
write_config() {
  cat >"$CONF" <<TOML
# written by tests/interop/t_reload.sh
[edge]
realm = "avedge.test"
listen = ["udp://$IP:$PORT", "tcp://$IP:$PORT", "tls://$IP:$TLS_PORT"${4:-}]
relay_ips = ["$IP"]
relay_ports = "53400-53499"
workers = 2
${5:-}

[auth]
users = [$1]

[peers]
allow = [$2]

[tls]
cert = "$3.pem"
key = "$3.key"

[admin]
listen = "$IP:$ADMIN"
TOML
}
field() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" "$1" | tr -d '" '; }
# alloc NAME USER PASS [--permission IP]: the decoded answer in $RUN_DIR/NAME.json
alloc() {
  local name=$1; shift
  "${ALLOC[@]}" "$@" >"$RUN_DIR/$name.json"
}
subject() {
  echo | timeout 5 openssl s_client -connect "$IP:$TLS_PORT" 2>/dev/null |
    openssl x509 -noout -subject 2>/dev/null
}

write_config '"alice:alicepass", "carol:carolpass"' '"127.0.0.0/8"' "$RUN_DIR/one"
start_own_avedge "$CONF" "$RUN_DIR/edge.log"
report "avedge starts with $CONF" $? || { tail -20 "$RUN_DIR/edge.log"; summary; exit 1; }
AVEDGE_PID=$(child_of "$EDGE")

alloc carol_before carol carolpass --permission 127.0.0.99
[ "$(field "$RUN_DIR/carol_before.json" allocate)" = 0 ] &&
  [ "$(field "$RUN_DIR/carol_before.json" permission)" = 0 ]
report "before: carol allocates, peer 127.0.0.99 is permitted" $?
[[ "$(subject)" == *"CN = reload-one"* ]]
ok=$?
report "before: the TLS listener serves reload-one ($(subject))" $ok

start_bg 60 "$RUN_DIR/bench.json" "$AVEDGE_BIN" bench --server "$IP:$PORT" --peer-ip 127.0.0.1 \
  --user alice:alicepass -n 10 --rate 400 --both --duration 6 --json
BENCH=$LAST_PID
sleep 2
write_config '"alice:alicepass", "bob:bobpass"' '"127.0.0.1/32"' "$RUN_DIR/two"
"${RELOAD[@]}" >"$RUN_DIR/reload1.out" 2>&1
rc=$?
cat "$RUN_DIR/reload1.out"
[ $rc = 0 ] && grep -q "auth.users  $CONF:.*added bob, removed carol  (applied)" "$RUN_DIR/reload1.out" &&
  grep -q "peers.allow  $CONF:.*\[127.0.0.0/8\] -> \[127.0.0.1/32\]  (applied)" "$RUN_DIR/reload1.out" &&
  grep -q "tls.cert  $CONF:" "$RUN_DIR/reload1.out" && ! grep -q "pass" "$RUN_DIR/reload1.out"
report "avedge reload under traffic: exit 0, users, peers and certificate applied, no password printed" $?

wait "$BENCH"
echo "  bench: $(cat "$RUN_DIR/bench.json")"
J=$RUN_DIR/bench.json
[ "$(field "$J" ready)" = 10 ] && [ "$(field "$J" sent)" -ge 3000 ] &&
  [ "$(field "$J" received)" = "$(field "$J" sent)" ] && [ "$(field "$J" deallocated)" = 10 ]
report "bench across the reload: 10 allocations kept, zero loss, all deallocated" $?

alloc bob bob bobpass
alloc carol carol carolpass
[ "$(field "$RUN_DIR/bob.json" allocate)" = 0 ] && [ "$(field "$RUN_DIR/carol.json" allocate)" = 401 ]
report "after: bob (added) allocates, carol (removed) gets 401" $?
alloc deny alice alicepass --permission 127.0.0.99
[ "$(field "$RUN_DIR/deny.json" permission)" = 403 ]
ok=$?
report "after: a permission for the newly denied peer 127.0.0.99 gets 403: $(cat "$RUN_DIR/deny.json")" $ok
[[ "$(subject)" == *"CN = reload-two"* ]]
ok=$?
report "after: new TLS handshakes get the new certificate ($(subject))" $ok

# A broken file: refused with file:line, nothing applied, the edge keeps working.
write_config '"alice:alicepass", "bob:bobpass", "dave:davepass"' '"127.0.0.1/32"' "$RUN_DIR/two" \
  "" 'relay_portz = "1-2"'
"${RELOAD[@]}" >"$RUN_DIR/reload2.out" 2>&1
rc=$?
cat "$RUN_DIR/reload2.out"
line=$(grep -n relay_portz "$CONF" | cut -d: -f1)
[ $rc = 1 ] && grep -q "error: $CONF:$line: .*relay_portz" "$RUN_DIR/reload2.out" &&
  grep -q "reload refused" "$RUN_DIR/reload2.out"
report "a broken file is refused: exit 1 with $CONF:$line" $?
alloc dave_refused dave davepass
alloc alice alice alicepass
[ "$(field "$RUN_DIR/dave_refused.json" allocate)" = 401 ] &&
  [ "$(field "$RUN_DIR/alice.json" allocate)" = 0 ]
report "after the refused reload the edge serves the running configuration" $?

# SIGHUP: the same as avedge reload.
write_config '"alice:alicepass", "bob:bobpass", "dave:davepass"' '"127.0.0.1/32"' "$RUN_DIR/two"
kill -HUP "$AVEDGE_PID"
sleep 0.5
alloc dave dave davepass
[ "$(field "$RUN_DIR/dave.json" allocate)" = 0 ] && kill -0 "$AVEDGE_PID" &&
  grep -q "reload: auth.users  $CONF:.*added dave" "$RUN_DIR/edge.log"
report "SIGHUP reloads: dave (added) allocates, the edge runs on, the log says what changed" $?

# --dry-run: the diff, a listener change named as needing a restart, nothing applied.
write_config '"alice:alicepass", "bob:bobpass", "dave:davepass", "erin:erinpass"' \
  '"127.0.0.1/32"' "$RUN_DIR/two" ", \"udp://$IP:$TLS_PORT\""
"${RELOAD[@]}" --dry-run >"$RUN_DIR/dry.out" 2>&1
rc=$?
cat "$RUN_DIR/dry.out"
alloc erin erin erinpass
[ $rc = 0 ] && grep -q "edge.listen  $CONF:4  .*(needs a restart, not applied)" "$RUN_DIR/dry.out" &&
  grep -q "auth.users  $CONF:.*added erin  (would be applied)" "$RUN_DIR/dry.out" &&
  [ "$(field "$RUN_DIR/erin.json" allocate)" = 401 ]
report "--dry-run: the listener change needs a restart, erin would be added, nothing applied" $?

"$AVEDGE_BIN" reload --admin "$IP:$((ADMIN + 1))" >/dev/null 2>&1
rc=$?
[ $rc = 2 ]
report "avedge reload of an edge that is not there: exit 2 (rc=$rc)" $?
stop_pid "$EDGE"
summary

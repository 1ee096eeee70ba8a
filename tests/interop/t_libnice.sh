#!/usr/bin/env bash
# libnice 0.1.21 (the ICE library under GStreamer webrtcbin, Farstream, ...):
# two agents, force-relay, RFC 5245 mode, TURN over UDP and TCP. ~2 s + compile.
# Not run over TLS: in RFC 5245 mode libnice's "TLS" relay is plain TCP (it only
# wraps TLS relays in its Google/MS pseudo-SSL), which a real TLS port refuses.
# Debian: libnice-dev pkg-config gcc
. "$(dirname "$0")/lib.sh"
NICE_FLAGS=$(pkg-config --cflags --libs nice)
# shellcheck disable=SC2086  # a word list
if ! gcc -O1 -Wall -o "$RUN_DIR/nice_turn_test" "$INTEROP_DIR/libnice/nice_turn_test.c" \
     $NICE_FLAGS >"$RUN_DIR/cc.txt" 2>&1; then
  cat "$RUN_DIR/cc.txt"; report "libnice driver compiles" 1; summary; exit 1
fi
start_server || exit 1
for r in udp tcp; do
  timeout 30 "$RUN_DIR/nice_turn_test" --compat rfc5245 --relay $r --server "$TURN_HOST" --port "$TURN_PORT" \
    --user "$TURN_USER" --pass "$TURN_PASS" --timeout 15 >"$RUN_DIR/n.txt" 2>&1
  ok=$(grep -q '^PASS' "$RUN_DIR/n.txt"; echo $?)
  report "libnice rfc5245 relay-only $r: $(grep -o 'received [0-9/]* and [0-9/]*' "$RUN_DIR/n.txt")" "$ok"
  [ "$ok" = 0 ] || tail -5 "$RUN_DIR/n.txt"
done
summary

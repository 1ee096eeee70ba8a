#!/usr/bin/env bash
# STUN-only probe: coturn's turnutils_stunclient sends a plain RFC 5389
# Binding request over UDP; the answer must carry XOR-MAPPED-ADDRESS 127.0.0.1.
#
# Left out on purpose (they need RFC 5780 NAT behaviour discovery, which
# avedge does not implement: it would need a second listening IP, OTHER-ADDRESS,
# RESPONSE-ORIGIN and CHANGE-REQUEST handling):
#   turnutils_stunclient -f, turnutils_natdiscovery -m -f, and stun-client's
#   `stun` (RFC 3489 classic STUN, whose test relies on CHANGE-REQUEST and
#   CHANGED-ADDRESS).
#   bash tests/interop/t_stun_probes.sh          # starts its own avedge
#   INTEROP_SERVER=coturn bash tests/interop/t_stun_probes.sh
. "$(dirname "$0")/lib.sh"
start_server || exit 1
out=$RUN_DIR/o.txt
timeout 5 turnutils_stunclient -p "$TURN_PORT" "$TURN_HOST" >"$out" 2>&1
ok=$(grep -q 'UDP reflexive addr: 127.0.0.1' "$out"; echo $?)
report "stun turnutils_stunclient binding (XOR-MAPPED-ADDRESS 127.0.0.1)" "$ok"
[ "$ok" = 0 ] || tail -5 "$out"
summary

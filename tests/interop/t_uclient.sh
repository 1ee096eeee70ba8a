#!/usr/bin/env bash
# coturn's own client, turnutils_uclient (Debian coturn 4.6.1), as a TURN
# acceptance matrix over UDP, TCP and TLS. Each case: allocations +
# permissions/channels + N messages echoed by a peer (turnutils_peer) or
# client-to-client (-y); PASS when sent == received bytes > 0 and 0 lost.
# ~60 s (uclient's timing is fixed, about 5 s per case).
#
# Out of scope for avedge, so not run: DTLS (`-S` on the TLS port over UDP) and
# RFC 6062 TCP relay (`-T`). Also left out as in shared/clients: -R (hangs
# even against coturn), -Z (random 443 on an IPv4-only server), -M, -J.
. "$(dirname "$0")/lib.sh"
N=${N:-50}
start_server || exit 1
start_bg 300 "$RUN_DIR/peer.log" turnutils_peer -L 127.0.0.1 -p "$PEER_PORT"
wait_listen udp "$PEER_PORT" 127.0.0.1 || { report "uclient: turnutils_peer listens on $PEER_PORT" 1; summary; exit 1; }
U=(-u "$TURN_USER" -w "$TURN_PASS")
COMMON=(-n "$N" -m 2 -l 200 -z 5)
uc() { # name, then uclient args (server address appended)
  local name=$1; shift
  local t0=$SECONDS rc line s r ok=1
  timeout 30 turnutils_uclient "$@" "$TURN_HOST" >"$RUN_DIR/$name.out" 2>&1
  rc=$?
  line=$(grep 'start_mclient: tot_send_bytes' "$RUN_DIR/$name.out" | tail -1)
  s=$(sed -n 's/.*tot_send_bytes ~ \([0-9]*\).*/\1/p' <<<"$line")
  r=$(sed -n 's/.*tot_recv_bytes ~ \([0-9]*\).*/\1/p' <<<"$line")
  [ "$rc" = 0 ] && [ -n "$s" ] && [ "${s:-0}" -gt 0 ] && [ "$s" = "$r" ] &&
    grep -q 'Total lost packets 0 ' "$RUN_DIR/$name.out" && ok=0
  report "uclient $name (rc=$rc sent=$s recv=$r $((SECONDS - t0))s)" $ok
  [ $ok = 0 ] || tail -5 "$RUN_DIR/$name.out"
}
P=(-p "$TURN_PORT"); PT=(-p "$TURN_TLS_PORT"); PEER=(-e 127.0.0.1 -r "$PEER_PORT")
uc udp_channel            "${P[@]}"  "${PEER[@]}" -X -g "${U[@]}" "${COMMON[@]}"
uc udp_send_indication -s "${P[@]}"  "${PEER[@]}" -X -g "${U[@]}" "${COMMON[@]}"
uc udp_extra_reqs      -G "${P[@]}"  "${PEER[@]}" -X "${U[@]}" "${COMMON[@]}"
uc udp_padding         -D "${P[@]}"  "${PEER[@]}" -X "${U[@]}" "${COMMON[@]}"
uc tcp_channel         -t "${P[@]}"  "${PEER[@]}" -X "${U[@]}" "${COMMON[@]}"
uc tcp_send_indication -t -s "${P[@]}" "${PEER[@]}" -X "${U[@]}" "${COMMON[@]}"
uc tls_channel         -t -S "${PT[@]}" "${PEER[@]}" -X "${U[@]}" "${COMMON[@]}"
uc udp_c2c             -y "${P[@]}" -X "${U[@]}" "${COMMON[@]}"
uc udp_c2c_send        -y -s "${P[@]}" -X "${U[@]}" "${COMMON[@]}"
uc tcp_c2c             -t -y "${P[@]}" -X "${U[@]}" "${COMMON[@]}"
uc negative_N          -N -y "${P[@]}" "${U[@]}" -n 20 -m 1 -l 200 -z 5
# a wrong password must be refused (uclient exits non-zero, no allocation)
timeout 10 turnutils_uclient -y "${P[@]}" -u "$TURN_USER" -w wrong-password -n 5 -m 1 "$TURN_HOST" >"$RUN_DIR/badpass.out" 2>&1
rc=$?; ok=1
[ "$rc" != 0 ] && grep -q 'Cannot complete Allocation' "$RUN_DIR/badpass.out" && ok=0
report "uclient wrong password rejected (rc=$rc)" $ok
[ $ok = 0 ] || tail -5 "$RUN_DIR/badpass.out"
summary

#!/usr/bin/env bash
# Soak (issue 6 item 9): allocations created and torn down continuously with traffic both ways
# through them for SOAK_SECONDS (60 in make test; `make soak`: 1800). Each cycle of avedge bench
# makes 50 TURN REST allocations, relays ChannelData both ways at a moderate rate and deletes
# them. Nothing may be lost in any cycle, and the server's RSS and open fds stay flat: fds back
# at the baseline after every cycle, RSS within max(10%, 4 MB) of the first cycle's.
# SOAK_REPORT=FILE keeps the per-cycle CSV (time, cycle, sent, received, rss_kb, fds). avedge only.
. "$(dirname "$0")/lib.sh"
[ "$INTEROP_SERVER" = avedge ] || { echo "avedge only"; exit 0; }
USE_EXTERNAL_SERVER=0
SOAK_SECONDS=${SOAK_SECONDS:-60}
SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export AVEDGE_EXTRA_ARGS="--secret $SECRET"
SERVER_LIFETIME=$((SOAK_SECONDS + 120))
start_server || { report "avedge starts" 1; summary; exit 1; }
PID=$(child_of "$SERVER_PID")
BENCH=("$AVEDGE_BIN" bench --server "$TURN_HOST:$TURN_PORT" --peer-ip 127.0.0.1 --secret "$SECRET"
  -n 50 --rate 1000 --both --duration 3 --json)
CSV=$RUN_DIR/soak.csv
echo "time,cycle,ready,sent,received,deallocated,rss_kb,fds" >"$CSV"
rss() { awk '/^VmRSS/ {print $2}' "/proc/$PID/status"; }
fds() { ls "/proc/$PID/fd" | wc -l; }

base_fds=$(fds)
cycle=0 lossy=0 failed=0 fd_leaks=0 first_rss="" max_rss=0
end=$((SECONDS + SOAK_SECONDS))
while [ $SECONDS -lt $end ]; do
  cycle=$((cycle + 1))
  line=$(timeout 60 "${BENCH[@]}" 2>/dev/null)
  get() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" <<<"$line"; }
  r=$(rss) f=$(fds)
  echo "$(date -u +%H:%M:%S),$cycle,$(get ready),$(get sent),$(get received),$(get deallocated),$r,$f" >>"$CSV"
  [ "$(get ready)" = 50 ] && [ "$(get deallocated)" = 50 ] || failed=$((failed + 1))
  [ -n "$(get sent)" ] && [ "$(get sent)" = "$(get received)" ] && [ "$(get sent)" -gt 0 ] || lossy=$((lossy + 1))
  [ "$f" = "$base_fds" ] || fd_leaks=$((fd_leaks + 1))
  [ -z "$first_rss" ] && first_rss=$r
  [ "$r" -gt "$max_rss" ] && max_rss=$r
done
[ -n "${SOAK_REPORT:-}" ] && cp "$CSV" "$SOAK_REPORT"
sent_total=$(awk -F, 'NR > 1 {s += $4} END {print s + 0}' "$CSV")
[ $cycle -ge 3 ] && [ $failed = 0 ]
report "soak: $cycle cycles of 50 allocations in ${SOAK_SECONDS} s, every one made and deleted ($failed cycles short)" $?
[ $lossy = 0 ]
report "soak: nothing lost: $sent_total packets relayed both ways ($lossy cycles with loss)" $?
[ $fd_leaks = 0 ]
report "soak: open fds back at the baseline ($base_fds) after every cycle ($fd_leaks cycles above)" $?
limit=$((first_rss + (first_rss / 10 > 4096 ? first_rss / 10 : 4096)))
[ "$max_rss" -le "$limit" ]
report "soak: RSS flat: first cycle ${first_rss} kB, highest ${max_rss} kB (limit ${limit} kB)" $?
[ $lossy = 0 ] && [ $fd_leaks = 0 ] || tail -5 "$CSV"
stop_server
summary

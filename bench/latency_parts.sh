#!/usr/bin/env bash
# bench/latency_parts.sh [RATE] [REPS] [SECONDS] -- where avedge's budget-0 latency goes, against
# the bare forwarder (issue 7: budget-0 p50 and p99 within 10% of it). Paired runs, alternating
# within each repetition so that all share the host's drift, one way, 100 sessions, 160 B:
#   blocking   bench/udp_forwarder as make bench runs it (blocks in recvmmsg): the reference
#   epoll      the same waiting in epoll_wait first (one more system call per wake-up)
#   spin       the same never sleeping (recvmmsg without waiting, over and over): no wake-up
#              from idle, a whole core
#   multishot  the same with an io_uring multishot receive (datagrams handed over by the wait)
#   fanout     bench/fanout_forwarder: one relay socket per session (TURN's shape), epoll
#   avedge-epoll  avedge with latency_budget_us = 0 and AVEDGE_MULTISHOT=0 (decision 0008 only)
#   avedge     avedge with latency_budget_us = 0 (listening sockets received by io_uring
#              multishot while it waits, decision 0011)
#   avedge-busy   the same with busy_poll_us = 200 (looks again without sleeping for 200 µs
#              after each turn that relayed something)
# Prints per server the median p50/p99 and CPU per packet, and the median over repetitions of
# its p50 divided by the blocking forwarder's in the same repetition. Server on CPU 0, generator
# on CPU 1, 127.0.0.1 only. Defaults: 20000 packets/s, 10 repetitions of 2 s (about 3 minutes).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RATE=${1:-20000} REPS=${2:-10} SECS=${3:-2}
BUILD=${BENCH_BUILD_DIR:-$ROOT/build}
[ -n "${BENCH_BUILD_DIR:-}" ] || "$ROOT/scripts/build.sh" release avedge udp_forwarder fanout_forwarder >/dev/null
DIR=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DIR"' EXIT
PORT=${BENCH_PORT:-34780} PEER_PORT=${BENCH_PEER_PORT:-34790} FAN_BASE=10000
SECRET=$(openssl rand -hex 16)
cat >"$DIR/avedge.toml" <<TOML
[edge]
realm = "bench.test"
listen = ["udp://127.0.0.1:$PORT"]
relay_ips = ["127.0.0.1"]
relay_ports = "10000-29999"
workers = 1
latency_budget_us = 0
[auth]
secrets = ["$SECRET"]
dev_credentials = false
[peers]
allow = ["127.0.0.0/8"]
[log]
level = "warn"
[admin]
listen = "off"
TOML
sed 's/^latency_budget_us = 0$/latency_budget_us = 0\nbusy_poll_us = 200/' "$DIR/avedge.toml" >"$DIR/avedge-busy.toml"
field() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p"; }
. "$ROOT/bench/cpu_time.sh"  # cpu_ns PID, us_per_packet
: >"$DIR/runs"
for rep in $(seq 1 "$REPS"); do
  for s in blocking epoll spin multishot fanout avedge-epoll avedge avedge-busy; do
    target=(--raw --peer-port "$PEER_PORT")
    case $s in
      fanout) taskset -c 0 "$BUILD/fanout_forwarder" "127.0.0.1:$PORT" "127.0.0.1:$PEER_PORT" 100 "$FAN_BASE" >/dev/null &
        target+=(--raw-relay-base "$FAN_BASE") ;;
      avedge*) AVEDGE_MULTISHOT=$([ "$s" = avedge-epoll ] && echo 0 || echo 1) \
          taskset -c 0 "$BUILD/avedge" serve -c "$DIR/$([ "$s" = avedge-busy ] && echo avedge-busy || echo avedge).toml" >/dev/null 2>&1 &
        target=(--secret "$SECRET") ;;
      *) taskset -c 0 "$BUILD/udp_forwarder" "127.0.0.1:$PORT" "127.0.0.1:$PEER_PORT" "$s" >/dev/null & ;;
    esac
    PID=$!
    for _ in $(seq 1 50); do ss -Hlun "sport = :$PORT" | grep -q . && break; sleep 0.1; done
    sleep 0.2
    c0=$(cpu_ns "$PID")
    line=$(taskset -c 1 "$BUILD/avedge" bench --server "127.0.0.1:$PORT" --peer-ip 127.0.0.1 \
      "${target[@]}" -n 100 --rate "$RATE" --duration "$SECS" --json 2>/dev/null || true)
    c1=$(cpu_ns "$PID")
    kill "$PID"
    wait "$PID" 2>/dev/null || true
    PID=""
    for _ in $(seq 1 50); do ss -Hlun "sport = :$PORT" | grep -q . || break; sleep 0.1; done
    r=$(echo "$line" | field received)
    echo "$rep $s $(echo "$line" | field p50_us) $(echo "$line" | field p99_us) $(us_per_packet "$c0" "$c1" "$r" 2)" >>"$DIR/runs"
  done
done
echo "latency_parts: $RATE packets/s one way, 100 sessions, 160 B, $REPS x $SECS s, $(git -C "$ROOT" rev-parse --short HEAD)"
/usr/bin/python3 - "$DIR/runs" <<'PY'
import collections, statistics, sys
runs = [l.split() for l in open(sys.argv[1]) if len(l.split()) == 5]
by = collections.defaultdict(list)
ref = {r[0]: float(r[2]) for r in runs if r[1] == "blocking" and float(r[2]) > 0}
print("| server | p50 µs | p99 µs | CPU µs/packet | p50 : blocking forwarder (paired) |")
print("|---|---|---|---|---|")
for s in ("blocking", "epoll", "spin", "multishot", "fanout", "avedge-epoll", "avedge",
          "avedge-busy"):
    rows = [r for r in runs if r[1] == s and float(r[2]) > 0]
    if not rows:
        continue
    med = lambda i: statistics.median(float(r[i]) for r in rows)
    paired = [float(r[2]) / ref[r[0]] for r in rows if r[0] in ref]
    ratio = f"{statistics.median(paired):.3f}×" if paired else "–"
    print(f"| {s} | {med(2):.1f} | {med(3):.1f} | {med(4):.2f} | {ratio} |")
PY

#!/usr/bin/env bash
# bench/ab_cpu.sh RATE PAYLOAD BOTH(0/1) REPS COMMAND... -- server CPU per relayed packet of
# several avedge commands at one fixed rate, alternating so that they share the host's drift:
# each COMMAND is run as `COMMAND serve -c CONFIG`, pinned to CPU 0, with `avedge bench` on CPU 1
# (100 allocations, ChannelData, 3 s, latency_budget_us = AB_BUDGET, default 175). Each line has
# the CPU per packet, the loss and the generator's p50/p99 latency. A COMMAND may be a wrapper
# that sets the environment, e.g. a script doing `AVEDGE_GSO=0 exec build/avedge "$@"`; the
# word `fanout` runs build/fanout_forwarder waiting the same budget (the floor, PERFORMANCE.md).
# CPU is the server's time on CPU in ns, summed over its threads (/proc/PID/task/*/schedstat),
# from the generator's start to its end (setup and teardown of its allocations included). AB_DURATION sets the seconds (default 3).
# Needs build/avedge (the generator); everything stays on 127.0.0.1.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 5 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
RATE=$1 PAYLOAD=$2 BOTH=$3 REPS=$4
shift 4
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
SECRET=$(openssl rand -hex 16)
PORT=${AB_PORT:-34780}
cat >"$DIR/avedge.toml" <<TOML
[edge]
realm = "bench.test"
listen = ["udp://127.0.0.1:$PORT"]
relay_ips = ["127.0.0.1"]
relay_ports = "10000-29999"
workers = 1
latency_budget_us = ${AB_BUDGET:-175}
[auth]
secrets = ["$SECRET"]
dev_credentials = false
[peers]
allow = ["127.0.0.0/8"]
[quota]
per_user = 1000
per_ip = 1000
[limits]
challenges_per_second = 0
[log]
level = "warn"
[admin]
listen = "off"
TOML
flags=(-n 100 --payload "$PAYLOAD" --rate "$RATE" --duration "${AB_DURATION:-3}" --json)
[ "$BOTH" = 1 ] && flags+=(--both)
PEER_PORT=$((PORT + 10)) FAN_BASE=$((PORT + 1000))
. "$ROOT/bench/cpu_time.sh"  # cpu_ns PID, us_per_packet
field() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p"; }
for rep in $(seq 1 "$REPS"); do
  for cmd in "$@"; do
    if [ "$cmd" = fanout ]; then
      taskset -c 0 "$ROOT/build/fanout_forwarder" "127.0.0.1:$PORT" "127.0.0.1:$PEER_PORT" 100 \
        "$FAN_BASE" "${AB_BUDGET:-175}" >"$DIR/server.log" 2>&1 &
      target=(--raw --peer-port "$PEER_PORT" --raw-relay-base "$FAN_BASE")
    else
      taskset -c 0 "$cmd" serve -c "$DIR/avedge.toml" >"$DIR/server.log" 2>&1 &
      target=(--secret "$SECRET")
    fi
    pid=$!
    sleep 0.5
    c0=$(cpu_ns "$pid")
    line=$(taskset -c 1 "$ROOT/build/avedge" bench --server "127.0.0.1:$PORT" --peer-ip 127.0.0.1 \
      "${target[@]}" "${flags[@]}" 2>/dev/null || true)
    c1=$(cpu_ns "$pid")
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    received=$(echo "$line" | field received)
    echo "rep $rep $cmd: $(us_per_packet "$c0" "$c1" "$received" 2) µs CPU/packet, loss $(echo "$line" | field loss), p50 $(echo "$line" | field p50_us) p99 $(echo "$line" | field p99_us) µs"
  done
done

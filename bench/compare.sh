#!/usr/bin/env bash
# make bench (issue 7): the same workloads against avedge, coturn (Debian's package), the bare
# UDP forwarder (bench/udp_forwarder: one socket) and the fanout forwarder (bench/fanout_forwarder:
# the same with one relay socket per allocation, as TURN has), one after another in one run:
# server on CPU 0, generator (`avedge bench`) on CPU 1, REPS repetitions, medians, ratios.
# Everything stays on 127.0.0.1.
#
# Knobs: BENCH_REPS (3), BENCH_PROBE_SECONDS (1: each step of the max-rate search),
# BENCH_FIXED_SECONDS (3), BENCH_HOLD (10000 allocations),
# BENCH_SERVERS ("avedge coturn forwarder fanout"),
# BENCH_WORKLOADS ("maxpps fixed setup hold fastpath"; also "spin": the fixed rates with a
# generator that polls instead of sleeping; "floor": avedge and the fanout forwarder at 20k/s
# waiting each budget of BENCH_FLOOR_WAITS, "150 175 200 225 250" µs, with coturn and the bare
# forwarder in the same rounds), BENCH_OUT (directory for the raw results),
# BENCH_BUILD_DIR (use the binaries there instead of building build/ in Release).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
scripts/install-deps.sh --bench
# BENCH_BUILD_DIR: use binaries already built there (e.g. a Debug build while developing).
BUILD=${BENCH_BUILD_DIR:-$ROOT/build}
[ -n "${BENCH_BUILD_DIR:-}" ] || scripts/build.sh release avedge udp_forwarder fanout_forwarder wake_cost >/dev/null

REPS=${BENCH_REPS:-3}
PROBE=${BENCH_PROBE_SECONDS:-1}
FIXED=${BENCH_FIXED_SECONDS:-3}
HOLD=${BENCH_HOLD:-10000}
SERVERS=${BENCH_SERVERS:-avedge coturn forwarder fanout}
WORKLOADS=${BENCH_WORKLOADS:-maxpps fixed setup hold fastpath}
FLOOR_WAITS=${BENCH_FLOOR_WAITS:-150 175 200 225 250}
OUT=${BENCH_OUT:-$ROOT/build/bench-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
RESULTS=$OUT/results.jsonl
: >"$RESULTS"
BIN=$BUILD/avedge
FWD=$BUILD/udp_forwarder
FAN=$BUILD/fanout_forwarder
FAN_BASE=10000  # the fanout forwarder's relay ports: 10000-10099, one per allocation
# avedge's default latency budget: the fanout forwarder's rows marked 'budget' wait as long
# (the floor of avedge's CPU per packet at a low rate, with nothing but the kernel's work).
BUDGET_US=$(sed -n 's/.*kDefaultLatencyBudgetUs = \([0-9]*\).*/\1/p' "$ROOT/src/config/config.hpp")
# What a wake-up costs here, on the server's and the generator's cores: at 20k/s it is most of
# every server's CPU per packet, and it differs between hosts (docs/PERFORMANCE.md).
WAKE_COSTS=$("$BUILD/wake_cost" 150 3000 0 1 2>/dev/null | awk '
  {v[$1] = $2}
  END {printf "timer-ended sleep %s µs, woken from the other core %s µs, the waker %s µs (%s when nobody sleeps), a system call %s µs",
       v["timer_wake"], v["remote_wake"], v["waker_pays"], v["waker_awake"], v["syscall"]}' || true)
# What an idle vCPU does decides what a wake-up costs: with the haltpoll cpuidle driver and
# guest_halt_poll_ns > 0 it polls before halting, and a wake-up from the other core is several
# times cheaper (docs/PERFORMANCE.md "What decides the price of a wake-up").
IDLE_STATE="cpuidle driver $(cat /sys/devices/system/cpu/cpuidle/current_driver 2>/dev/null || echo unknown)"
if [ -r /sys/module/haltpoll/parameters/guest_halt_poll_ns ]; then
  IDLE_STATE+=", guest_halt_poll_ns $(cat /sys/module/haltpoll/parameters/guest_halt_poll_ns)"
fi
HOST=127.0.0.1
PORT=${BENCH_PORT:-34780}
PEER_PORT=${BENCH_PEER_PORT:-34790}
SECRET=$(openssl rand -hex 32)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # 10k held allocations need 10k relay sockets
SERVER_PID=""
GEN_EXTRA=()  # more generator flags (--no-gso for the fast path workload)

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

# Relay ports of both servers: 10000-29999, outside the kernel's ephemeral range
# (net.ipv4.ip_local_port_range, 32768-60999 on Debian) that the generator's client sockets
# take, so that no server wastes binds on ports the generator holds.
#
# avedge.toml: one worker, the default latency budget; avedge-b0.toml: latency budget 0 (a
# wake-up per packet); avedge-b0bp.toml: budget 0 and busy polling for 200 µs after each turn that
# relayed something (edge.busy_poll_us: no wake-up from idle while packets keep coming, at the
# CPU time of the polling; shown, not judged); avedge-w2.toml: two workers (on the same CPU 0), run for the max rate of
# 160 B one way (at saturation CPU 0 is busy all the time, so CPU per packet is 1 / max rate:
# what the two-worker target is judged on) and at 100k/s.
#
# avedge-fp.toml: the tc fast path on lo (issue 7 item 4; needs root). The generator then sends
# without UDP GSO (a GSO batch reaches tc as one large packet, which the program leaves to
# userspace), and so do the runs it is compared with (workload suffix _ng).
write_avedge_config() { # file workers latency_budget_us (empty: the default) [fast path] [busy_poll_us]
  cat >"$OUT/$1" <<TOML
[edge]
realm = "bench.test"
listen = ["udp://$HOST:$PORT"]
relay_ips = ["$HOST"]
relay_ports = "10000-29999"
workers = $2
${3:+latency_budget_us = $3}
${5:+busy_poll_us = $5}
${4:+fast_path = \"tc\"
fast_path_interfaces = [\"lo\"]}
[auth]
secrets = ["$SECRET"]
dev_credentials = false
[peers]
allow = ["127.0.0.0/8"]
[quota]
total = 30000
per_user = 30000
per_ip = 30000
[limits]
challenges_per_second = 0   # setup mode: thousands of 401s a second from one address
connections_per_ip = 30000
[log]
level = "warn"
[admin]
listen = "off"
TOML
}

# coturn for its best single-core result: one relay thread, UDP only, no TLS/DTLS/CLI, no
# quotas, quiet logs. Recorded next to the results.
write_coturn_config() {
  cat >"$OUT/turnserver.conf" <<CONF
listening-ip=$HOST
relay-ip=$HOST
listening-port=$PORT
min-port=10000
max-port=29999
relay-threads=1
use-auth-secret
static-auth-secret=$SECRET
realm=bench.test
allow-loopback-peers
no-cli
no-tls
no-dtls
no-tcp
no-tcp-relay
total-quota=0
user-quota=0
no-stdout-log
log-file=/dev/null
simple-log
pidfile=$OUT/turnserver.pid
userdb=$OUT/turndb
CONF
}

start_server() { # name [avedge config file]
  local name=$1
  case "$name" in
    avedge) taskset -c 0 "$BIN" serve -c "$OUT/${2:-avedge.toml}" >>"$OUT/avedge.log" 2>&1 & ;;
    coturn) taskset -c 0 turnserver -c "$OUT/turnserver.conf" >"$OUT/coturn.log" 2>&1 & ;;
    forwarder) taskset -c 0 "$FWD" "$HOST:$PORT" "$HOST:$PEER_PORT" >"$OUT/forwarder.log" 2>&1 & ;;
    fanout) taskset -c 0 "$FAN" "$HOST:$PORT" "$HOST:$PEER_PORT" 100 "$FAN_BASE" ${2:+"$2"} >>"$OUT/fanout.log" 2>&1 & ;;
  esac
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    ss -Hlun "sport = :$PORT" | grep -q . && { sleep 0.3; return 0; }
    sleep 0.1
  done
  log "$name did not start"; cat "$OUT/$name.log" >&2; return 1
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  for _ in $(seq 1 50); do ss -Hlun "sport = :$PORT" | grep -q . || return 0; sleep 0.1; done
}

# cpu_ns PID, host_busy_ns and us_per_packet (bench/cpu_time.sh)
. "$ROOT/bench/cpu_time.sh"
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }

gen() { # server, bench flags...
  local server=$1; shift
  local target=(--secret "$SECRET")
  [ "$server" = forwarder ] && target=(--raw --peer-port "$PEER_PORT")
  [ "$server" = fanout ] && target=(--raw --peer-port "$PEER_PORT" --raw-relay-base "$FAN_BASE")
  taskset -c 1 "$BIN" bench --server "$HOST:$PORT" --peer-ip "$HOST" "${target[@]}" \
    "${GEN_EXTRA[@]}" --json "$@" 2>/dev/null || true
}

field() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" | tr -d '"'; }
record() { # server workload rep value [extra json]; an empty value is recorded as null
  set -- "$1" "$2" "$3" "${4:-null}" "${5:-}"
  echo "{\"server\":\"$1\",\"workload\":\"$2\",\"rep\":$3,\"value\":$4${5:+,$5}}" >>"$RESULTS"
}

# The highest rate (per direction) with under 1% loss: bisection between 10k and 800k packets/s,
# 6 probes of 1 s (a resolution of about 12k packets/s, 3-4% of avedge's and the forwarders'
# results: the targets compare within 10%). Four servers, three repetitions and a Release build from scratch then
# fit in the 15 minutes of issue 7 (the build takes about 4 of them on this machine).
max_rate() { # server payload both(0/1) rep [workload suffix]
  local server=$1 payload=$2 both=$3 rep=$4 sfx=${5:-} lo=10000 hi=800000 mid line loss sent passed=0
  local flags=(-n 100 --payload "$payload" --duration "$PROBE")
  [ "$both" = 1 ] && flags+=(--both)
  for _ in 1 2 3 4 5 6; do
    mid=$(((lo + hi) / 2))
    line=$(gen "$server" "${flags[@]}" --rate "$mid")
    loss=$(echo "$line" | field loss)
    sent=$(echo "$line" | field sent)
    # A pass needs under 1% loss AND the generator really sending the rate (95% of it): a
    # generator that cannot keep up must not pass for a server that can.
    if [ -n "$loss" ] && awk "BEGIN{exit !($loss < 0.01 && ${sent:-0} >= 0.95 * $mid * ($both + 1) * $PROBE)}"; then
      lo=$mid
      passed=1
    else
      hi=$mid
    fi
  done
  local total=$((passed ? lo * (both + 1) : 0))
  record "$server" "maxpps_${payload}_$([ "$both" = 1 ] && echo both || echo one)$sfx" "$rep" "$total"
  log "  $server$sfx max ${payload} B $([ "$both" = 1 ] && echo both || echo one): $total packets/s"
}

fixed_rate() { # server rate rep [workload suffix]
  local server=$1 rate=$2 rep=$3 sfx=${4:-} c0 c1 h0 h1 line received
  c0=$(cpu_ns "$SERVER_PID")
  h0=$(host_busy_ns)
  line=$(gen "$server" -n 100 --rate "$rate" --duration "$FIXED")
  c1=$(cpu_ns "$SERVER_PID")
  h1=$(host_busy_ns)
  received=$(echo "$line" | field received)
  local cpu_us host_us
  cpu_us=$(us_per_packet "$c0" "$c1" "$received")
  host_us=$(us_per_packet "$h0" "$h1" "$received")
  record "$server" "cpu_us_${rate}$sfx" "$rep" "$cpu_us"
  record "$server" "hostcpu_us_${rate}$sfx" "$rep" "$host_us"
  for q in p50_us p99_us p999_us; do
    record "$server" "${q}_${rate}$sfx" "$rep" "$(echo "$line" | field $q)"
  done
  record "$server" "gencpu_${rate}$sfx" "$rep" "$(echo "$line" | field generator_cpu)"
  log "  $server$sfx at $rate/s: $cpu_us µs CPU/packet, $(echo "$line" | field p50_us)/$(echo "$line" | field p99_us) µs p50/p99"
}

setup_rate() { # server rep
  local line
  line=$(gen "$1" --mode setup -n 2000)
  record "$1" setup_rate "$2" "$(echo "$line" | field setup_rate)" "\"failed\":$(echo "$line" | field failed)"
  log "  $1 setup: $(echo "$line" | field setup_rate)/s ($(echo "$line" | field failed) failed)"
}

hold_memory() { # server rep
  local base during line
  base=$(rss_kb)
  gen "$1" --mode hold -n "$HOLD" --duration 6 >"$OUT/hold.$1.$2.json" &
  local gpid=$!
  # RSS while every allocation is held: after setup (a few seconds at most), before teardown.
  for _ in $(seq 1 50); do sleep 0.1; done
  during=$(rss_kb)
  wait "$gpid" || true
  local ready
  ready=$(field ready <"$OUT/hold.$1.$2.json")
  local per
  per=$(awk "BEGIN{r=${ready:-0}; printf \"%.0f\", (r > 0 ? ($during - $base) * 1024 / r : 0)}")
  record "$1" rss_per_allocation "$2" "$per" "\"ready\":${ready:-0}"
  log "  $1 hold: ${ready:-0} allocations, $per bytes of RSS each"
}

write_avedge_config avedge.toml 1
write_avedge_config avedge-b0.toml 1 0
write_avedge_config avedge-b0bp.toml 1 0 "" 200
write_avedge_config avedge-w2.toml 2
write_avedge_config avedge-fp.toml 1 "" tc
for wait_us in $FLOOR_WAITS; do write_avedge_config "avedge-fl$wait_us.toml" 1 "$wait_us"; done
write_coturn_config
log "results in $OUT"
# Servers back to back on each workload: this guest's speed drifts by up to 50% over minutes
# (other tenants of the host), so the servers a ratio compares run within seconds of each other
# rather than minutes apart. Repetitions outermost, and each one starts with another server.
servers_of_rep() { # rep: $SERVERS rotated by rep - 1
  local list=($SERVERS) n k
  n=${#list[@]}
  for ((k = 0; k < n; k++)); do echo "${list[$(((k + $1 - 1) % n))]}"; done
}
for rep in $(seq 1 "$REPS"); do
  ORDER=$(servers_of_rep "$rep")
  log "repetition $rep: $(echo $ORDER)"
  for w in $WORKLOADS; do
    case "$w" in
      maxpps)
        for payload in 160 1200; do
          for both in 0 1; do
            for server in $ORDER; do
              start_server "$server"
              max_rate "$server" "$payload" "$both" "$rep"
              stop_server
              if [ "$server" = avedge ] && [ "$payload" = 160 ] && [ "$both" = 0 ]; then
                start_server avedge avedge-w2.toml
                max_rate avedge 160 0 "$rep" _w2
                stop_server
              fi
            done
          done
        done ;;
      fixed)
        for rate in 20000 100000; do
          for server in $ORDER; do
            start_server "$server"
            fixed_rate "$server" "$rate" "$rep"
            stop_server
            if [ "$server" = avedge ]; then
              start_server avedge avedge-b0.toml
              fixed_rate avedge "$rate" "$rep" _b0
              stop_server
              start_server avedge avedge-b0bp.toml
              fixed_rate avedge "$rate" "$rep" _b0bp
              stop_server
              if [ "$rate" = 100000 ]; then
                start_server avedge avedge-w2.toml
                fixed_rate avedge "$rate" "$rep" _w2
                stop_server
              fi
            fi
            if [ "$server" = fanout ]; then
              start_server fanout "$BUDGET_US"
              fixed_rate fanout "$rate" "$rep" _bud
              stop_server
            fi
          done
        done ;;
      fastpath)
        # The tc fast path against the same servers, all with a generator that sends without
        # GSO. On one host over loopback the kernel's relaying runs in the sender's context,
        # so host CPU per packet (both cores) is what compares; a max rate would measure the
        # generator.
        GEN_EXTRA=(--no-gso)
        for rate in 20000 100000; do
          for server in $ORDER; do
            [ "$server" = fanout ] && continue
            start_server "$server"
            fixed_rate "$server" "$rate" "$rep" _ng
            stop_server
            if [ "$server" = avedge ]; then
              if start_server avedge avedge-fp.toml; then
                fixed_rate avedge "$rate" "$rep" _fp
                stop_server
              else
                log "  the fast path did not start (needs root and a build with libbpf): skipped"
              fi
            fi
          done
        done
        GEN_EXTRA=() ;;
      spin)
        # The fixed rates again with a generator that polls instead of sleeping (--spin): on
        # one host the server's send to the peer runs the peer's receive and wakes it, in the
        # server's context and on its bill; a peer on another machine would pay that itself.
        GEN_EXTRA=(--spin)
        for rate in 20000 100000; do
          for server in $ORDER; do
            start_server "$server"
            fixed_rate "$server" "$rate" "$rep" _sp
            stop_server
            if [ "$server" = avedge ]; then
              start_server avedge avedge-b0.toml
              fixed_rate avedge "$rate" "$rep" _b0_sp
              stop_server
            fi
          done
        done
        GEN_EXTRA=() ;;
      floor)
        # Which budgets meet the pair of 20k/s targets (CPU ≤ ½ coturn, p99 ≤ the forwarder's
        # + 250 µs), for avedge and for the floor (the fanout forwarder: the kernel's work of a
        # TURN relay and nothing else), round by round: coturn and the bare forwarder once,
        # avedge and the floor at each wait (summarize.py, "budgets against the 20k/s pair").
        for server in $ORDER; do
          case $server in
            avedge | fanout)
              for wait_us in $FLOOR_WAITS; do
                if [ "$server" = avedge ]; then
                  start_server avedge "avedge-fl$wait_us.toml"
                else
                  start_server fanout "$wait_us"
                fi
                fixed_rate "$server" 20000 "$rep" "_fl$wait_us"
                stop_server
              done ;;
            *)
              start_server "$server"
              fixed_rate "$server" 20000 "$rep" _fl
              stop_server ;;
          esac
        done ;;
      setup | hold)
        for server in $ORDER; do
          [ "$server" = avedge ] || [ "$server" = coturn ] || continue
          start_server "$server"
          if [ "$w" = setup ]; then setup_rate "$server" "$rep"; else hold_memory "$server" "$rep"; fi
          stop_server
        done ;;
    esac
  done
done

{
  echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), kernel $(uname -r)"
  echo "coturn: $(dpkg-query -W -f='${Version}' coturn 2>/dev/null); avedge: $(git -C "$ROOT" rev-parse --short HEAD)"
  echo "command: make bench (bench/compare.sh), REPS=$REPS PROBE=$PROBE s FIXED=$FIXED s HOLD=$HOLD"
  echo "wake-up costs on this host (bench/wake_cost 150): $WAKE_COSTS"
  echo "idle: $IDLE_STATE"
  # Decision 0019: a worker whose budget waits the host ends late says so in the log (level warn).
  echo "avedge late-wake-up warnings (decision 0019): $(grep -c 'latency budget waits end late' "$OUT/avedge.log" 2>/dev/null || true)"
  echo "avedge latency budget: $BUDGET_US µs (default) and 0 (rows marked 'budget 0'); busy_poll_us 200 in the rows marked 'busy poll'; the fanout forwarder's rows marked 'budget' wait $BUDGET_US µs after a turn of less than a batch"
  echo
  /usr/bin/python3 "$ROOT/bench/summarize.py" "$RESULTS"
} | tee "$OUT/table.md"

# shellcheck shell=bash
# Common helpers for the interop recipes in tests/interop/ (adapted from the
# recipes in shared/clients/, which were proven against coturn). Source it:
#   . "$(dirname "$0")/lib.sh"
#
# Knobs (environment):
#   INTEROP_SERVER  avedge (default) | coturn   which server start_server runs;
#                   coturn is Debian's turnserver, used as a stand-in to check
#                   the harness itself
#   AVEDGE_BIN      avedge binary (default <repo>/build/avedge)
#   AVEDGE_EXTRA_ARGS  extra words appended to `avedge serve ...`
#   USE_EXTERNAL_SERVER=1  start nothing; test whatever already listens on
#                   TURN_HOST:TURN_PORT (run.sh sets this for the t_*.sh it
#                   runs, after starting one server for all of them)
#   TURN_HOST       127.0.0.1 (anything not loopback is refused)
#   TURN_PORT / TURN_TLS_PORT / PEER_PORT  picked at random in 23000-23999
#                   and checked free with `ss` unless set
#   TURN_USER / TURN_PASS / TURN_REALM   alice / secret / avedge.test
#   RELAY_MIN / RELAY_MAX  relay port range (51000-51999)
#   SERVER_LIFETIME seconds before the server is killed anyway (900)
#   INTEROP_CERT_DIR  directory with cert.pem/key.pem of the running server
#                   (set by start_server; exported for the TURNS clients)
#   KEEP_RUN_DIR=1  keep the temporary run directory (logs) for inspection
#
# Everything started through these helpers runs under `timeout`, is recorded
# by PID and is stopped by PID on exit. Only loopback addresses are used.

set -u
INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$INTEROP_DIR/../.." && pwd)
# Debian's python: pyenv's python3 (first on PATH) cannot see python3-* packages.
PY=${PY:-/usr/bin/python3}
INTEROP_SERVER=${INTEROP_SERVER:-avedge}
AVEDGE_BIN=${AVEDGE_BIN:-$REPO_ROOT/build/avedge}
AVEDGE_EXTRA_ARGS=${AVEDGE_EXTRA_ARGS:-}
TURN_HOST=${TURN_HOST:-127.0.0.1}
TURN_USER=${TURN_USER:-alice}
TURN_PASS=${TURN_PASS:-secret}
TURN_REALM=${TURN_REALM:-avedge.test}
RELAY_MIN=${RELAY_MIN:-51000}
RELAY_MAX=${RELAY_MAX:-51999}
SERVER_LIFETIME=${SERVER_LIFETIME:-900}
USE_EXTERNAL_SERVER=${USE_EXTERNAL_SERVER:-0}

case "$TURN_HOST" in
  127.*) ;;
  *) echo "refusing: TURN_HOST=$TURN_HOST is not a 127.0.0.0/8 address" >&2; exit 2 ;;
esac
case "$INTEROP_SERVER" in
  avedge|coturn) ;;
  *) echo "INTEROP_SERVER must be avedge or coturn, not '$INTEROP_SERVER'" >&2; exit 2 ;;
esac

# --- ports -------------------------------------------------------------------
# port_free PORT: nothing uses PORT over TCP or UDP (listening or connected)
port_free() {
  [ -z "$(ss -H -tuan "( sport = :$1 or dport = :$1 )" 2>/dev/null)" ]
}
# pick_port [EXCLUDED...]: a free port in 23000-23999
pick_port() {
  local p i
  for i in $(seq 1 300); do
    p=$((23000 + RANDOM % 1000))
    case " $* " in *" $p "*) continue ;; esac
    if port_free "$p"; then echo "$p"; return 0; fi
  done
  echo "no free port found in 23000-23999" >&2
  return 1
}
PORTS_PICKED=0
pick_ports() {
  TURN_PORT=$(pick_port) || return 1
  TURN_TLS_PORT=$(pick_port "$TURN_PORT") || return 1
  PEER_PORT=$(pick_port "$TURN_PORT" "$TURN_TLS_PORT") || return 1
  export TURN_PORT TURN_TLS_PORT PEER_PORT
}
if [ -z "${TURN_PORT:-}" ]; then
  [ "$USE_EXTERNAL_SERVER" = 1 ] && { echo "USE_EXTERNAL_SERVER=1 needs TURN_PORT" >&2; exit 2; }
  pick_ports || exit 1
  PORTS_PICKED=1
fi
TURN_TLS_PORT=${TURN_TLS_PORT:-$(pick_port "$TURN_PORT")}
PEER_PORT=${PEER_PORT:-$(pick_port "$TURN_PORT" "$TURN_TLS_PORT")}
export TURN_HOST TURN_PORT TURN_TLS_PORT PEER_PORT TURN_USER TURN_PASS TURN_REALM

# --- run dir, background processes, cleanup --------------------------------
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/avedge-interop.XXXXXX")
BG_PIDS=()
PASS=0
FAIL=0
SERVER_PID=""

# child_of PID: the process `timeout` runs (its only child), if any
child_of() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' | head -1; }

# stop_pid PID [SIGNAL] [GRACE_SECONDS]: signal a process we started (a
# `timeout` wrapper, which forwards the signal to its child), wait for it to
# go, and SIGKILL the wrapped child by PID if it does not.
stop_pid() {
  local pid=$1 sig=${2:-TERM} grace=${3:-10} child i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
  child=$(child_of "$pid")
  kill -"$sig" "$pid" 2>/dev/null
  for i in $(seq 1 $((grace * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    [ -n "$child" ] && kill -KILL "$child" 2>/dev/null
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
}

rt_cleanup() {
  local p
  for p in "${BG_PIDS[@]:-}"; do
    [ -n "$p" ] && stop_pid "$p" TERM 5
  done
  if [ "${KEEP_RUN_DIR:-0}" = 1 ]; then echo "run dir kept: $RUN_DIR"; else rm -rf "$RUN_DIR"; fi
}
trap rt_cleanup EXIT
trap 'exit 130' INT TERM

# start_bg SECONDS LOGFILE cmd args...   -> runs cmd under timeout, remembers PID
start_bg() {
  local secs=$1 log=$2; shift 2
  timeout "$secs" "$@" >"$log" 2>&1 </dev/null &
  LAST_PID=$!
  BG_PIDS+=("$LAST_PID")
}

# listening tcp|udp PORT [HOST]
listening() {
  local flag=-ltn
  [ "$1" = udp ] && flag=-lun
  ss -H "$flag" "sport = :$2" 2>/dev/null | grep -q "${3:-$TURN_HOST}:$2"
}

# wait_listen tcp|udp PORT [HOST] -- poll until something listens (max ~10 s)
wait_listen() {
  local i
  for i in $(seq 1 100); do
    listening "$@" && return 0
    sleep 0.1
  done
  echo "nothing listening on $1 ${3:-$TURN_HOST}:$2" >&2
  return 1
}

# --- the server under test ---------------------------------------------------
make_cert() {
  INTEROP_CERT_DIR=${INTEROP_CERT_DIR:-$RUN_DIR}
  export INTEROP_CERT_DIR
  [ -f "$INTEROP_CERT_DIR/cert.pem" ] && return 0
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$INTEROP_CERT_DIR/key.pem" \
    -out "$INTEROP_CERT_DIR/cert.pem" -days 2 -subj /CN=localhost \
    -addext subjectAltName=IP:127.0.0.1,DNS:localhost >/dev/null 2>&1
}

launch_coturn() {
  {
    echo "listening-ip=$TURN_HOST"
    echo "relay-ip=$TURN_HOST"
    echo "listening-port=$TURN_PORT"
    echo "tls-listening-port=$TURN_TLS_PORT"
    echo "min-port=$RELAY_MIN"
    echo "max-port=$RELAY_MAX"
    echo "lt-cred-mech"
    echo "user=$TURN_USER:$TURN_PASS"
    echo "realm=$TURN_REALM"
    echo "allow-loopback-peers"
    echo "no-cli"
    echo "no-dtls"
    echo "fingerprint"
    echo "cert=$INTEROP_CERT_DIR/cert.pem"
    echo "pkey=$INTEROP_CERT_DIR/key.pem"
    echo "userdb=$RUN_DIR/turndb"
    echo "pidfile=$RUN_DIR/turnserver.pid"
    echo "log-file=stdout"
    echo "simple-log"
    echo "verbose"
  } >"$RUN_DIR/turnserver.conf"
  start_bg "$SERVER_LIFETIME" "$SERVER_LOG" turnserver -c "$RUN_DIR/turnserver.conf"
}

launch_avedge() {
  if [ ! -x "$AVEDGE_BIN" ]; then
    echo "avedge binary not found: $AVEDGE_BIN (run 'make build' first)" >&2
    return 1
  fi
  # TLS cert/key come from the config file; everything else from flags.
  cat >"$RUN_DIR/avedge.toml" <<EOF
# written by tests/interop/lib.sh for one interop run
[tls]
cert = "$INTEROP_CERT_DIR/cert.pem"
key = "$INTEROP_CERT_DIR/key.pem"
# The suite's clients set up hundreds of allocations a second from 127.0.0.1 (bench setup
# mode, soak): no 401 rate limit here; t_amplification.sh tests it on its own server.
[limits]
challenges_per_second = ${AVEDGE_CHALLENGES_PER_SECOND:-0}
EOF
  # AVEDGE_NO_ALLOW_PEER=1: keep the default peer policy (loopback peers denied).
  local allow="--allow-peer 127.0.0.0/8"
  [ "${AVEDGE_NO_ALLOW_PEER:-0}" = 1 ] && allow=""
  # shellcheck disable=SC2086  # AVEDGE_EXTRA_ARGS and allow are word lists on purpose
  start_bg "$SERVER_LIFETIME" "$SERVER_LOG" "$AVEDGE_BIN" serve -c "$RUN_DIR/avedge.toml" \
    --user "$TURN_USER:$TURN_PASS" --realm "$TURN_REALM" $allow \
    --listen "udp://$TURN_HOST:$TURN_PORT" --listen "tcp://$TURN_HOST:$TURN_PORT" \
    --listen "tls://$TURN_HOST:$TURN_TLS_PORT" \
    --relay-ip "$TURN_HOST" --relay-ports "$RELAY_MIN-$RELAY_MAX" $AVEDGE_EXTRA_ARGS
}

# server_ready: "avedge: ready" printed, or all three ports listen
server_ready() {
  grep -q 'avedge: ready' "$SERVER_LOG" 2>/dev/null && return 0
  listening udp "$TURN_PORT" && listening tcp "$TURN_PORT" && listening tcp "$TURN_TLS_PORT"
}

# start_server: starts the server under test ($INTEROP_SERVER) unless
# USE_EXTERNAL_SERVER=1, and waits (max ~20 s) until it is ready. If the ports
# were picked here and the server does not come up, it retries on new ports
# (another run may have taken them in between).
start_server() {
  if [ "$USE_EXTERNAL_SERVER" = 1 ]; then
    echo "USE_EXTERNAL_SERVER=1: expecting a server on $TURN_HOST:$TURN_PORT (TLS $TURN_TLS_PORT)"
    return 0
  fi
  make_cert || { echo "openssl could not make a test certificate" >&2; return 1; }
  local attempt
  for attempt in 1 2 3; do
    SERVER_LOG=$RUN_DIR/server.$attempt.log
    echo "starting $INTEROP_SERVER: udp+tcp $TURN_HOST:$TURN_PORT, tls $TURN_TLS_PORT, relay $RELAY_MIN-$RELAY_MAX"
    "launch_$INTEROP_SERVER" || return 1
    SERVER_PID=$LAST_PID
    for _ in $(seq 1 200); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      if server_ready; then
        # give it a moment to open the listeners it did not report yet
        for _ in $(seq 1 50); do
          listening udp "$TURN_PORT" && listening tcp "$TURN_PORT" && listening tcp "$TURN_TLS_PORT" && break
          sleep 0.1
        done
        export SERVER_LOG
        return 0
      fi
      sleep 0.1
    done
    echo "$INTEROP_SERVER did not become ready; last lines of its log:" >&2
    tail -20 "$SERVER_LOG" >&2
    stop_pid "$SERVER_PID" TERM 5
    SERVER_PID=""
    [ "$PORTS_PICKED" = 1 ] || return 1
    pick_ports || return 1
  done
  return 1
}

# stop_server: SIGTERM by PID; returns 0 if it exited within 10 s
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null
  for _ in $(seq 1 100); do
    kill -0 "$SERVER_PID" 2>/dev/null || { wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""; return 0; }
    sleep 0.1
  done
  stop_pid "$SERVER_PID" KILL 2
  SERVER_PID=""
  return 1
}

# start_own_avedge TOML LOG: `avedge serve -c TOML` for a recipe that needs a configuration of
# its own; waits for "avedge: ready" (10 s). Sets EDGE (the timeout wrapper's PID); 0 = ready.
# AVEDGE_PREFIX: words to run it under, e.g. (ip netns exec NS).
AVEDGE_PREFIX=()
start_own_avedge() {
  start_bg "$SERVER_LIFETIME" "$2" "${AVEDGE_PREFIX[@]}" "$AVEDGE_BIN" serve -c "$1"
  EDGE=$LAST_PID
  for _ in $(seq 1 100); do
    grep -q 'avedge: ready' "$2" 2>/dev/null && return 0
    kill -0 "$EDGE" 2>/dev/null || break
    sleep 0.1
  done
  grep -q 'avedge: ready' "$2"
}

# json_field NAME KEY: the value of "KEY" in $RUN_DIR/NAME.json, the one-line JSON that
# `avedge bench --json` prints (quotes removed).
json_field() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" "$RUN_DIR/$1.json" | tr -d '"'; }

# admin_metric IP:PORT SERIES: one sample of the admin API's /metrics, e.g.
#   admin_metric 127.0.0.71:19390 'avedge_drops_total{reason="rate_limit"}'
admin_metric() { curl -s --max-time 5 "http://$1/metrics" | awk -v k="$2" '$1 == k { print $2 }'; }

# --- reporting ---------------------------------------------------------------
# report NAME EXIT-CODE   (0 = pass)
report() {
  if [ "$2" = 0 ]; then PASS=$((PASS + 1)); echo "PASS $1"; else FAIL=$((FAIL + 1)); echo "FAIL $1"; fi
}

summary() {
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" = 0 ]
}

// Generated from config/default.toml; keep identical (tests/unit/config checks it).
// To update: paste config/default.toml between the raw-string delimiters below.
#include "config/default_config.hpp"

namespace avedge::config {

namespace {
// clang-format off
constexpr std::string_view kDefault = R"avedge_toml(
# avedge: the embedded default configuration (`make run`, or `avedge serve` without -c).
# A development edge on loopback: copy this file, edit it, and pass it with -c avedge.toml.
#
# Shape: [edge] is what this process is (realm, listeners, relay addresses, workers),
# [auth] who may allocate, [peers] whom relays may talk to, [quota], [lifetimes], [tls], [log].
# The pool topology ([topology], [[edge_pool]], [[frontend_pool]], [mras]) is at the end,
# commented out: the development edge has none.
# Command-line flags of `avedge serve` override these values; a list given by flags replaces
# the list of the file.

[edge]
realm = "avedge.local"
# udp://IP:PORT, tcp://IP:PORT, tls://IP:PORT, and tcp+tls://IP:PORT (one TCP port serving
# TLS and plain TCP, told apart by the first byte). IPv6: "udp://[::]:3478".
listen = ["udp://127.0.0.1:3478", "tcp://127.0.0.1:3478", "tls://127.0.0.1:5349"]
# One IPv4 and/or one IPv6 address for relayed transport addresses. Default: the IP of the
# first listener (which must then not be 0.0.0.0 or ::).
relay_ips = ["127.0.0.1"]
relay_ports = "50000-59999"
workers = 0            # 0: one worker per core
# Microseconds a worker may hold packets to relay several per wake-up (less CPU per packet at
# low rates, at most this much added latency); 0: wake up for every packet.
latency_budget_us = 175
# Hold them only where that costs less CPU per packet than waking up for each, as every
# worker measures (at low rates, or where the host wakes a core cheaply, it does not).
latency_budget_when_cheaper = true
# Microseconds a worker keeps looking for packets, without sleeping, after relaying some: less
# latency (no wake-up from idle), at the CPU time it spends looking; 0 (the default): sleep.
busy_poll_us = 0
software = false       # send a SOFTWARE attribute (RFC 8656 §21.1.6 advises against it)
# true: only RFC 8656 channel numbers 0x4000-0x4FFF; false also accepts RFC 5766's
# 0x5000-0x7FFF, which older clients (coturn 4.6 turnutils_uclient) still use.
strict_channel_numbers = false
# Kernel fast path (Linux tc, eBPF): ChannelData of UDP allocations relayed in the kernel,
# both ways, without waking avedge. Needs root (or CAP_BPF and CAP_NET_ADMIN) and, off
# loopback, net.ipv4.conf.<interface>.forwarding = 1. Off by default.
# fast_path = "tc"
# fast_path_interfaces = ["eth0"]
pool = "DEVPOOL"      # the [[edge_pool]] this process serves: it accepts that pool's
#                      # credentials and names the issuer of any other pool's (auth.foreign_pool)
# diagnostic_reasons = false  # true: a refused pool credential's 401 carries the reason
#                             # sentence as its reason phrase (off: an empty phrase, as usual)

[auth]
# Static users: users = ["alice:a-long-password"], or tables:
#   [[auth.users]]
#   name = "alice"
#   password = "a-long-password"
# TURN REST secrets (username "expiry:user", password base64(HMAC-SHA1(secret, username))):
#   secrets = ["..."] or secret_files = ["secrets/rest-k1"]; several secrets = rotation.
users = []
secrets = []
# Development only: when no secret is configured, generate one at each start; when no user
# is configured, generate one. Both are printed at start. Turn off in production.
dev_credentials = true

[peers]
# "recommended" denies loopback, private, link-local, metadata and other special ranges
# (SECURITY.md §2.2); "none" denies nothing but the unspecified addresses. This edge's own
# relay addresses are allowed on relay ports only, so two clients of this edge can talk even on
# 127.0.0.1 while the host's other services stay out of reach (unless `allow` names them).
deny = "recommended"
allow = []             # CIDRs allowed despite the denies, e.g. ["10.1.0.0/16"]
deny_extra = []        # more CIDRs to deny

[quota]
total = 10000          # allocations on this edge
per_user = 100
per_ip = 200

[limits]
# Abuse protection (README "Limits and abuse protection").
challenges_per_second = 20   # unauthenticated UDP error answers (401...) per source IP; 0 = off
challenges_burst = 40
connections_total = 20000    # TCP and TLS connections, all listeners
connections_per_ip = 200
idle_timeout = "30s"         # a TCP/TLS connection without allocation, after its last frame
max_message_size = 65555     # longest TCP/TLS frame; a longer one closes the connection

[lifetimes]
default = "10m"        # allocation lifetime without LIFETIME (RFC 8656 §7.2)
max = "1h"
permission = "5m"      # RFC 8656 §9
channel = "10m"        # RFC 8656 §12
nonce = "10m"

[tls]
# PEM files. Both empty: a self-signed certificate for the listener IPs and "localhost" is
# generated at start (its path is printed).
cert = ""
key = ""

[log]
level = "info"         # trace, debug, info, warn, error, critical, off
events = "stderr"      # JSON event lines (docs/EVENTS.md): "stdout", "stderr" or a file path
events_rate = 10       # lines per second per event and client address, then "suppressed N"

# --- Pools and MRAS (DESIGN.md §1, §3) ---------------------------------------------------
# Relative paths (secrets file, api_key_file) start at this file's folder; a secret file's
# trailing newline is stripped; a secret is at least 16 characters.
#
# [topology]
# sip_domains = ["contoso.com"]            # identities MRAS hands credentials to
# default_routing_domain = "contoso.com"   # one of sip_domains
#
# [[edge_pool]]                            # repeat for each pool
# name = "EDGEPOOL01"
# public_fqdn = "av1.contoso.com"          # what MRAS hands to this pool's internet clients
# public_ips = ["203.0.113.10"]
# internal_fqdn = "edge01.contoso.local"   # what MRAS hands to this pool's intranet clients
# edges = [{ name = "edge01", internal_ip = "10.0.0.11", public_ip = "203.0.113.10" }]
# authorized_internal_servers = ["pool01.contoso.com"]  # front ends allowed to ask MRAS
# token_lifetime = "8h"                    # longest credential lifetime (1m to 7d)
# # Keys: { id, file } or { id, value }. Several ids = rotation; the first one issues.
# secrets = [{ id = "k1", file = "secrets/pool01-k1" }]
# turn_udp_port = 3478                     # ports advertised to clients by MRAS
# turn_tcp_port = 443
#
# [[frontend_pool]]                        # repeat for each front-end pool
# name = "POOL01"
# fqdn = "pool01.contoso.com"              # the name its TLS client certificate carries
# edge_pool = "EDGEPOOL01"                 # the home edge pool of its users
# addresses = ["10.0.0.21"]                # trusted source addresses on plain TCP (tests)
# api_key = "..."                          # or api_key_file = "..."; for MRAS over HTTP
#
# [mras]
# sip_listen = ["tls://10.0.0.11:5062"]    # tcp:// or tls://; none by default
# http_listen = "127.0.0.1:8080"           # MRAS over HTTP (XML and TURN REST JSON)

# The development pool of `make run`: MRAS over HTTP on 127.0.0.1:8080 hands credentials of
# DEVPOOL (relay 127.0.0.1:3478 as "localhost") to the DEVFRONTEND front end. With
# dev_credentials = true its key and the front end's API key are generated at each start and
# printed with a curl line. Replace all of this with your own pools in production.
[topology]
sip_domains = ["avedge.test"]
default_routing_domain = "avedge.test"

[[edge_pool]]
name = "DEVPOOL"
public_fqdn = "localhost"
internal_fqdn = "localhost"
authorized_internal_servers = ["localhost"]
turn_udp_port = 3478
turn_tcp_port = 3478

[[frontend_pool]]
name = "DEVFRONTEND"
fqdn = "localhost"
edge_pool = "DEVPOOL"

[mras]
http_listen = "127.0.0.1:8080"
)avedge_toml";
// clang-format on
}  // namespace

// The raw string starts with a newline after the delimiter; drop it.
std::string_view embedded_default_toml() {
  return kDefault.substr(1);
}

}  // namespace avedge::config

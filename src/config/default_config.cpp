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
# [topology], [[edge_pool]] and [[frontend_pool]] (DESIGN.md §1) are accepted and not used yet.
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
software = false       # send a SOFTWARE attribute (RFC 8656 §21.1.6 advises against it)
# true: only RFC 8656 channel numbers 0x4000-0x4FFF; false also accepts RFC 5766's
# 0x5000-0x7FFF, which older clients (coturn 4.6 turnutils_uclient) still use.
strict_channel_numbers = false

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
# relay addresses are always allowed, so two clients of this edge can talk even on 127.0.0.1.
deny = "recommended"
allow = []             # CIDRs allowed despite the denies, e.g. ["10.1.0.0/16"]
deny_extra = []        # more CIDRs to deny

[quota]
total = 10000          # allocations on this edge
per_user = 100
per_ip = 200

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
)avedge_toml";
// clang-format on
}  // namespace

// The raw string starts with a newline after the delimiter; drop it.
std::string_view embedded_default_toml() {
  return kDefault.substr(1);
}

}  // namespace avedge::config

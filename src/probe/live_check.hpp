// `avedge check --live` (issue 4): what only the network can tell. Resolves every pool's
// public_fqdn and compares it with the pools' public_ips, connects to each listener of this
// host's configuration (UDP: a STUN Binding; TCP/TLS: connect, then a Binding), and allocates
// with a credential it issues itself with [edge] pool's key. Findings are diag::Finding, like
// the static rules.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/address.hpp"
#include "diag/check.hpp"

namespace avedge::probe {

// What resolving one pool's public_fqdn gave (empty addresses and error set: no answer).
struct Resolution {
  std::string pool;
  std::vector<IpAddress> addresses;
  std::string error;
};

// Pure: AVE-LIVE-001 (the name resolves to another pool's address), AVE-LIVE-002 (to nothing),
// AVE-LIVE-003 (to none of the pool's own public_ips).
std::vector<diag::Finding> dns_findings(const config::Topology& t,
                                        const std::vector<Resolution>& resolved);

struct LiveReport {
  std::vector<diag::Finding> findings;
  std::vector<std::string> lines;  // one per thing tested: "udp://127.0.0.31:3478: Binding ok, ..."
};

// Resolves, connects and, with allocate, allocates; each wait is bounded by timeout_ms.
// allocate false: the pool key of cfg is not the edge's (generated for development).
LiveReport check_live(const config::Config& cfg, int timeout_ms, bool allocate = true);

}  // namespace avedge::probe

// Why a probe step failed, in one sentence built from what the probe saw (the response, the
// credential it carried, the addresses) and the configuration. Pure functions, unit-tested.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/pool_credentials.hpp"
#include "config/topology.hpp"
#include "core/address.hpp"
#include "core/clock.hpp"
#include "probe/mras_client.hpp"
#include "probe/turn_client.hpp"

namespace avedge::probe {

// The edge pool whose public_ips or edges' public_ip hold ip, or whose public_fqdn is `host`
// (when ip matches none); "" when none does.
std::string pool_owning(const config::Topology& t, const IpAddress& ip, std::string_view host);

// MRAS refused or failed: "MRAS refused (403 Forbidden, ms-diagnostics 9001
// mras.not_authorized_server): <reason>; fix: <fix from docs/MRAS.md>".
std::string explain_mras(const MrasAnswer& a, std::string_view where);

// "no answer on UDP 127.0.0.31:3478 in 3 s: UDP is blocked on the path; TCP 127.0.0.31:443
// works" (works: the first later transport that answered, e.g. "TCP 127.0.0.31:443"; empty:
// none did).
std::string explain_no_answer(Proto p, const Endpoint& server, int timeout_ms,
                              std::string_view works);

// What the probe knew when an authenticated request failed.
struct AuthContext {
  std::string where;                             // "127.0.0.31:3478" or the relay host
  std::optional<auth::PoolCredentialInfo> cred;  // decoded pool username
  std::string edge_pool;                         // pool owning the address the probe reached
  UnixSeconds now = 0;
};

// An Allocate (or Refresh) error: foreign pool, expired credential, wrong password, quota, ...
std::string explain_allocate(const StunResult& r, const AuthContext& c);

// A CreatePermission or ChannelBind error; 403 is the edge's peer policy.
std::string explain_peer_error(const StunResult& r, std::string_view method, const Endpoint& peer);

// Any other STUN outcome that is not a success: timeout, transport error, error code.
std::string explain_result(const StunResult& r, std::string_view what, int timeout_ms);

}  // namespace avedge::probe

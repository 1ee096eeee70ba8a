#include "probe/explain.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "mras/diagnostics.hpp"
#include "turn/peer_policy.hpp"
#include "wire/stun_constants.hpp"

namespace avedge::probe {

namespace {

std::string seconds(int timeout_ms) {
  return timeout_ms % 1000 == 0 ? fmt::format("{} s", timeout_ms / 1000)
                                : fmt::format("{:.1f} s", timeout_ms / 1000.0);
}

std::string code_text(const StunResult& r) {
  return r.reason.empty() ? fmt::format("{}", r.code) : fmt::format("{} {}", r.code, r.reason);
}

}  // namespace

std::string pool_owning(const config::Topology& t, const IpAddress& ip, std::string_view host) {
  for (const auto& p : t.edge_pools) {
    for (const auto& a : p.public_ips) {
      if (a.value == ip) return p.name.value;
    }
    for (const auto& e : p.edges) {
      if (e.public_ip && e.public_ip->value == ip) return p.name.value;
    }
  }
  for (const auto& p : t.edge_pools) {
    if (!host.empty() && p.public_fqdn.value == host) return p.name.value;
  }
  return {};
}

std::string explain_mras(const MrasAnswer& a, std::string_view where) {
  if (!a.transport_error.empty()) {
    return fmt::format("no MRAS answer from {}: {}", where, a.transport_error);
  }
  if (a.diag_code >= 9001 && a.diag_code <= 9011) {
    const auto& d = mras::info(static_cast<mras::Diag>(a.diag_code));
    return fmt::format("MRAS at {} refused ({}, ms-diagnostics {} {}): {}; fix: {}", where,
                       a.status_text, a.diag_code, d.name,
                       a.diag_reason.empty() ? std::string(d.cause) : a.diag_reason, d.fix);
  }
  if (a.diag_code != 0) {
    return fmt::format("MRAS at {} refused ({}, ms-diagnostics {}): {}", where, a.status_text,
                       a.diag_code, a.diag_reason);
  }
  return fmt::format("MRAS at {} answered {}{} without a credential and a relay", where,
                     a.status_text,
                     a.reason_phrase.empty() ? "" : " (reasonPhrase " + a.reason_phrase + ")");
}

std::string explain_no_answer(Proto p, const Endpoint& server, int timeout_ms,
                              std::string_view works) {
  std::string s = fmt::format("no answer on {} {} in {}: ", upper_name(p), server.to_string(),
                              seconds(timeout_ms));
  if (p == Proto::Udp) {
    s += works.empty() ? "UDP is blocked on the path or nothing listens there"
                       : fmt::format("UDP is blocked on the path; {} works", works);
  } else {
    s += works.empty() ? "the edge accepted the connection but does not answer STUN on it"
                       : fmt::format("the edge does not answer STUN there; {} works", works);
  }
  return s;
}

std::string explain_allocate(const StunResult& r, const AuthContext& c) {
  const std::string head = fmt::format("Allocate on {} rejected ({})", c.where, r.code);
  const std::string edge_says = r.reason.empty() || r.reason == stun::error::default_reason(r.code)
                                    ? ""
                                    : fmt::format(" (the edge says: {})", r.reason);
  switch (r.code) {
    case stun::error::Unauthenticated: {
      if (c.cred && c.cred->expiry < c.now) {
        return fmt::format("{}: the credential of {} expired {} s ago; ask MRAS for a new one{}",
                           head, c.cred->pool, c.now - c.cred->expiry, edge_says);
      }
      if (c.cred && !c.edge_pool.empty() && c.cred->pool != c.edge_pool) {
        return fmt::format(
            "{}: the credential was issued by {}, and {}'s public_fqdn points at {}'s edge; "
            "fix [[edge_pool]] {} public_fqdn (or its DNS record){}",
            head, c.cred->pool, c.cred->pool, c.edge_pool, c.cred->pool, edge_says);
      }
      if (c.cred) {
        return fmt::format(
            "{}: the edge does not accept {}'s credential (key {}): a wrong key, a key not "
            "rolled out to this edge, or an edge of another pool{}",
            head, c.cred->pool, c.cred->key_id, edge_says);
      }
      return fmt::format("{}: wrong username, password or realm{}", head, edge_says);
    }
    case stun::error::StaleNonce:
      return fmt::format("{}: the nonce was stale twice in a row (clock skew?){}", head, edge_says);
    case stun::error::Forbidden:
      return fmt::format("{}: the edge refuses this user or address{}", head, edge_says);
    case stun::error::AllocationQuotaReached:
      return fmt::format("{}: the user's or address's allocation quota is used up ([quota]){}",
                         head, edge_says);
    case stun::error::InsufficientCapacity:
      return fmt::format("{}: no relay port left (relay_ports range or quota.total){}", head,
                         edge_says);
    case stun::error::AllocationMismatch:
      return fmt::format("{}: an allocation already exists on this 5-tuple{}", head, edge_says);
    default:
      return fmt::format("{}: {}", head, code_text(r));
  }
}

std::string explain_peer_error(const StunResult& r, std::string_view method, const Endpoint& peer) {
  if (r.code != stun::error::Forbidden) {
    return fmt::format("{} for {} rejected ({})", method, peer.ip.to_string(), code_text(r));
  }
  // RFC 8656 §21.2.2: the server refuses peers it must not relay to with 403.
  const turn::PeerPolicy recommended(true);
  const std::string why =
      recommended.allowed(peer.ip)
          ? "it is in a [peers] deny_extra entry or is one of the edge's own addresses"
          : "it is in the recommended deny table (loopback, private, link-local, ...) of "
            "[peers] deny = \"recommended\"";
  return fmt::format(
      "{} rejected (403): the edge's peer policy denies {}: {}; to relay to it, add it to "
      "[peers] allow on the edge (serve --allow-peer {}/{}), or probe with --peer and a peer "
      "address the edge may reach",
      method, peer.ip.to_string(), why, peer.ip.to_string(), peer.ip.is_v4() ? 32 : 128);
}

std::string explain_result(const StunResult& r, std::string_view what, int timeout_ms) {
  switch (r.status) {
    case StunResult::Status::Success:
      return fmt::format("{} succeeded", what);
    case StunResult::Status::Timeout:
      return fmt::format("{}: no answer in {}", what, seconds(timeout_ms));
    case StunResult::Status::TransportError:
      return fmt::format("{}: the connection failed ({})", what, r.detail);
    case StunResult::Status::Error:
      break;
  }
  return fmt::format("{} rejected ({})", what, code_text(r));
}

}  // namespace avedge::probe

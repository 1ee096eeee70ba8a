#include "admin/drain.hpp"

#include <algorithm>

namespace avedge::admin {

namespace {

bool is_self(const IpAddress& ip, const config::Config& cfg,
             const std::vector<config::Listener>& bound) {
  const bool relay = std::any_of(cfg.relay_ips.begin(), cfg.relay_ips.end(),
                                 [&](const auto& r) { return r.value == ip; });
  const bool listener =
      std::any_of(bound.begin(), bound.end(), [&](const auto& l) { return l.endpoint.ip == ip; });
  return relay || listener;
}

}  // namespace

turn::DrainTarget drain_target(const config::Config& cfg,
                               const std::vector<config::Listener>& bound) {
  turn::DrainTarget t;
  const config::EdgePool* pool = cfg.topology.find_pool(cfg.topology.this_pool.value);
  if (pool == nullptr) return t;
  for (const auto& e : pool->edges) {
    // Clients reach an edge on its public address; an intranet-only edge on its internal one.
    const auto& ip = e.public_ip ? e.public_ip : e.internal_ip;
    if (!ip || is_self(ip->value, cfg, bound)) continue;
    t.udp = Endpoint{ip->value, pool->turn_udp_port.value};
    t.stream = Endpoint{ip->value, pool->turn_tcp_port.value};
    break;
  }
  return t;
}

}  // namespace avedge::admin

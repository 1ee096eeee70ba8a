#include "config/runtime.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace avedge::config {

turn::ServerConfig make_server_config(const Config& cfg) {
  turn::ServerConfig s;
  s.realm = cfg.realm.value;
  s.default_lifetime = cfg.lifetimes.default_lifetime.value;
  s.max_lifetime = cfg.lifetimes.max_lifetime.value;
  s.permission_lifetime = cfg.lifetimes.permission.value;
  s.channel_lifetime = cfg.lifetimes.channel.value;
  s.nonce_lifetime = cfg.lifetimes.nonce.value;
  s.max_allocations_total = cfg.quota.total.value;
  s.max_allocations_per_user = cfg.quota.per_user.value;
  s.max_allocations_per_ip = cfg.quota.per_ip.value;
  s.ipv4_relay = cfg.relay_ip(Family::V4).has_value();
  s.ipv6_relay = cfg.relay_ip(Family::V6).has_value();
  s.software = cfg.software.value;
  s.strict_channel_numbers = cfg.strict_channel_numbers.value;
  s.pool_name = cfg.topology.this_pool.value;
  s.diagnostic_reasons = cfg.topology.diagnostic_reasons.value;
  s.challenge_limits.per_second = static_cast<uint32_t>(cfg.limits.challenges_per_second.value);
  s.challenge_limits.burst = static_cast<uint32_t>(cfg.limits.challenges_burst.value);
  return s;
}

std::shared_ptr<auth::CredentialStore> make_credentials(const Config& cfg) {
  auto store = std::make_shared<auth::CredentialStore>(cfg.realm.value);
  for (const auto& u : cfg.users) store->add_static_user(u.name, u.password);
  std::vector<std::string> secrets;
  secrets.reserve(cfg.secrets.size());
  for (const auto& s : cfg.secrets) secrets.push_back(s.value);
  store->set_rest_secrets(std::move(secrets));
  // Pool credentials: this edge accepts those of its own pool under any listed key (DESIGN.md §3).
  if (!cfg.topology.this_pool.value.empty()) {
    store->set_pool(cfg.topology.this_pool.value,
                    pool_keys(cfg.topology, cfg.topology.this_pool.value));
  }
  return store;
}

std::vector<auth::PoolKey> pool_keys(const Topology& t, std::string_view pool) {
  std::vector<auth::PoolKey> keys;
  if (const EdgePool* p = t.find_pool(pool)) {
    for (const auto& s : p->secrets) keys.push_back(auth::PoolKey{s.id.value, s.value.value});
  }
  return keys;
}

std::shared_ptr<turn::PeerPolicy> make_peer_policy(const Config& cfg) {
  auto p = std::make_shared<turn::PeerPolicy>(cfg.peers.recommended.value);
  for (const auto& c : cfg.peers.deny_extra) p->deny(c.value);
  for (const auto& c : cfg.peers.allow) p->allow(c.value);
  for (const auto& ip : cfg.relay_ips) p->add_own_relay_address(ip.value);
  p->set_own_relay_ports(cfg.relay_ports.value.first, cfg.relay_ports.value.last);
  return p;
}

uint64_t descriptors_needed(const Config& cfg) {
  const auto& r = cfg.relay_ports.value;
  const uint64_t ports = r.last >= r.first ? static_cast<uint64_t>(r.last - r.first) + 1 : 0;
  uint64_t families = 0;
  for (Family f : {Family::V4, Family::V6}) {
    if (cfg.relay_ip(f)) ++families;
  }
  return std::min(ports, cfg.quota.total.value) * std::max<uint64_t>(families, 1) +
         kDescriptorReserve;
}

RestCredential make_rest_credential(std::string_view secret, std::string_view user,
                                    UnixSeconds expiry) {
  RestCredential c;
  c.username = fmt::format("{}:{}", expiry, user);
  c.password = auth::CredentialStore::rest_password(secret, c.username);
  return c;
}

}  // namespace avedge::config

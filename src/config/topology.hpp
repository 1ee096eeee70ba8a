// The topology of edge pools and front-end pools (DESIGN.md §1, §3; issue 3). Loaded from
// [topology], [[edge_pool]], [[frontend_pool]] and [mras]; every value keeps its file:line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/model_basics.hpp"
#include "core/address.hpp"
#include "core/clock.hpp"

namespace avedge::config {

// One key of a pool: several may be active at once (rotation); the first is used to issue.
struct PoolSecret {
  Located<std::string> id;     // "k1": carried in every credential issued under it
  Located<std::string> value;  // inline `value = "..."` or read from `file = "..."`
};

// One edge server of a pool (used by drain/ALTERNATE-SERVER and `avedge check`).
struct EdgeNode {
  Located<std::string> name;
  std::optional<Located<IpAddress>> internal_ip;
  std::optional<Located<IpAddress>> public_ip;
};

struct EdgePool {
  Located<std::string> name;         // "EDGEPOOL01"
  Located<std::string> public_fqdn;  // what MRAS hands to this pool's internet clients
  std::vector<Located<IpAddress>> public_ips;
  Located<std::string> internal_fqdn;  // what MRAS hands to this pool's intranet clients
  std::vector<EdgeNode> edges;
  std::vector<Located<std::string>> authorized_internal_servers;  // front-end FQDNs
  Located<Seconds> token_lifetime{Seconds{8 * 3600}};             // maximum credential lifetime
  std::vector<PoolSecret> secrets;
  Located<uint16_t> turn_udp_port{3478};  // ports advertised in the mediaRelayList / uris
  Located<uint16_t> turn_tcp_port{443};
};

struct FrontendPool {
  Located<std::string> name;       // "POOL01"
  Located<std::string> fqdn;       // "pool01.contoso.com": what its TLS certificate names
  Located<std::string> edge_pool;  // the home edge pool of its users
  // Source addresses trusted as this front end on plain TCP (test setups only).
  std::vector<Located<IpAddress>> addresses;
  // API key for MRAS over HTTP (inline `api_key` or `api_key_file`); empty: no HTTP access.
  Located<std::string> api_key;
};

struct MrasConfig {
  std::vector<Listener> sip_listen;              // tcp:// and tls:// only; default none
  std::optional<Located<Endpoint>> http_listen;  // plain HTTP on loopback by default when set
};

struct Topology {
  std::vector<Located<std::string>> sip_domains;
  Located<std::string> default_routing_domain;
  std::vector<EdgePool> edge_pools;
  std::vector<FrontendPool> frontend_pools;
  Located<std::string> this_pool;           // [edge] pool: which pool this process serves
  Located<bool> diagnostic_reasons{false};  // [edge] diagnostic_reasons: sentences in 401s
  MrasConfig mras;

  [[nodiscard]] const EdgePool* find_pool(std::string_view name) const;
  [[nodiscard]] const FrontendPool* find_frontend_by_fqdn(std::string_view fqdn) const;
  [[nodiscard]] const FrontendPool* find_frontend_by_address(const IpAddress& ip) const;
  // True when `identity` ("sip:alice@contoso.com" or "alice@contoso.com") is in a sip_domain.
  [[nodiscard]] bool in_sip_domains(std::string_view identity) const;
};

}  // namespace avedge::config

// config::Config holds a Topology; users of this header get Config as well.
#include "config/config.hpp"  // IWYU pragma: export

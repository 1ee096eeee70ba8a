#include "config/topology.hpp"

#include <algorithm>
#include <cctype>

namespace avedge::config {

namespace {

// DNS names compare case-insensitively, with or without the root's trailing dot (RFC 4343).
bool same_dns_name(std::string_view a, std::string_view b) {
  if (!a.empty() && a.back() == '.') a.remove_suffix(1);
  if (!b.empty() && b.back() == '.') b.remove_suffix(1);
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const EdgePool* Topology::find_pool(std::string_view name) const {
  for (const auto& p : edge_pools) {
    if (p.name.value == name) return &p;
  }
  return nullptr;
}

const FrontendPool* Topology::find_frontend_by_fqdn(std::string_view fqdn) const {
  for (const auto& f : frontend_pools) {
    if (same_dns_name(f.fqdn.value, fqdn)) return &f;
  }
  return nullptr;
}

const FrontendPool* Topology::find_frontend_by_address(const IpAddress& ip) const {
  for (const auto& f : frontend_pools) {
    for (const auto& a : f.addresses) {
      if (a.value == ip) return &f;
    }
  }
  return nullptr;
}

bool Topology::in_sip_domains(std::string_view identity) const {
  // "sip:alice@contoso.com" (RFC 3261 §19.1) or "alice@contoso.com".
  if (identity.size() >= 4 && same_dns_name(identity.substr(0, 4), "sip:")) {
    identity.remove_prefix(4);
  }
  const size_t at = identity.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == identity.size()) return false;
  const std::string_view domain = identity.substr(at + 1);
  return std::any_of(sip_domains.begin(), sip_domains.end(),
                     [&](const Located<std::string>& d) { return same_dns_name(d.value, domain); });
}

}  // namespace avedge::config

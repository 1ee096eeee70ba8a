// MRAS authorization (issue 3 item 5, DESIGN.md §3): a requester is authorized when it is a
// [[frontend_pool]] whose fqdn is listed in authorized_internal_servers of that front end's own
// edge pool. The home pool comes from the front end, never from the edge that answers.
#pragma once

#include <optional>
#include <string>

#include "config/topology.hpp"
#include "mras/diagnostics.hpp"
#include "mras/requester.hpp"

namespace avedge::mras {

struct Authorization {
  const config::FrontendPool* frontend = nullptr;
  const config::EdgePool* home = nullptr;  // set when authorized
  std::optional<Diag> refusal;             // empty: authorized
  std::string reason;                      // the sentence for ms-diagnostics and events
  [[nodiscard]] bool ok() const { return !refusal.has_value(); }
};

// Matches, in order: a certificate name against frontend_pool.fqdn (case-insensitive), the
// source address against frontend_pool.addresses, the API key against frontend_pool.api_key
// (constant time).
Authorization authorize(const config::Topology& t, const Requester& r);

// Constant-time comparison of two secrets of possibly different lengths.
bool secrets_equal(std::string_view a, std::string_view b);

}  // namespace avedge::mras

#include "config/topology_check.hpp"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "config/suggest.hpp"

namespace avedge::config {

namespace {

// An error for a reference to an edge pool that does not exist, naming the nearest one.
ConfigError unknown_pool(const Topology& t, const Located<std::string>& ref, std::string_view key) {
  std::vector<std::string_view> names;
  std::string list;
  for (const auto& p : t.edge_pools) {
    names.push_back(p.name.value);
    list += (list.empty() ? "" : ", ") + p.name.value;
  }
  std::string cause = fmt::format("{} \"{}\" is not an [[edge_pool]]", key, ref.value);
  if (names.empty()) {
    return ConfigError{ref.where, cause + " (none is defined)",
                       "add an [[edge_pool]] with name = \"" + ref.value + "\""};
  }
  if (auto n = nearest(ref.value, names)) {
    return ConfigError{ref.where, cause + fmt::format("; did you mean \"{}\"?", *n),
                       fmt::format("write {} = \"{}\"", key, *n)};
  }
  return ConfigError{ref.where, cause, "known edge pools: " + list};
}

template <typename Pools>
void unique_names(const Pools& pools, std::string_view table, Errors& out) {
  for (size_t i = 0; i < pools.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (pools[i].name.value == pools[j].name.value) {
        out.push_back(ConfigError{pools[i].name.where,
                                  fmt::format("{} \"{}\" defined twice (first at {})", table,
                                              pools[i].name.value, pools[j].name.where.to_string()),
                                  "give each pool its own name"});
        break;
      }
    }
  }
}

}  // namespace

void check_topology(const Topology& t, Errors& out) {
  unique_names(t.edge_pools, "[[edge_pool]]", out);
  unique_names(t.frontend_pools, "[[frontend_pool]]", out);
  for (const auto& f : t.frontend_pools) {
    if (!f.edge_pool.value.empty() && t.find_pool(f.edge_pool.value) == nullptr) {
      out.push_back(unknown_pool(t, f.edge_pool, "edge_pool"));
    }
  }
  // [edge] pool names the pool this edge serves; without any [[edge_pool]] it is only a label.
  if (!t.this_pool.value.empty() && !t.edge_pools.empty() &&
      t.find_pool(t.this_pool.value) == nullptr) {
    out.push_back(unknown_pool(t, t.this_pool, "pool"));
  }
  if (!t.default_routing_domain.value.empty() && !t.sip_domains.empty() &&
      !t.in_sip_domains("x@" + t.default_routing_domain.value)) {
    out.push_back(
        ConfigError{t.default_routing_domain.where,
                    fmt::format("default_routing_domain \"{}\" is not one of sip_domains",
                                t.default_routing_domain.value),
                    fmt::format("add it to sip_domains or write default_routing_domain = \"{}\"",
                                t.sip_domains.front().value),
                    "AVE-DOMAIN-001"});
  }
}

}  // namespace avedge::config

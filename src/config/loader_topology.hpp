// Loading the topology tables (DESIGN.md §1, issue 3): [topology], [[edge_pool]],
// [[frontend_pool]] and [mras]. Every value keeps its file:line; unknown keys name the nearest
// known one. Cross-references are checked afterwards (topology_check.hpp).
#pragma once

#include <string_view>

#include <toml++/toml.h>

#include "config/schema.hpp"
#include "config/toml_reader.hpp"
#include "config/topology.hpp"

namespace avedge::config {

class TopologyLoader {
 public:
  TopologyLoader(TomlReader& reader, Topology& out) : r_(reader), t_(out) {}

  // True for the tables this loader reads.
  static bool handles(std::string_view table);
  // One top-level table (or array of tables) of the schema.
  void load(const TableSpec& spec, const toml::node& v);

 private:
  void topology_key(const KeySpec& spec, const toml::node& v);
  void edge_pool(const TableSpec& spec, const toml::table& tbl, const toml::node& whole);
  void edge_pool_key(EdgePool& p, const KeySpec& spec, const toml::node& v);
  void edges(EdgePool& p, const KeySpec& spec, const toml::node& v);
  void secrets(EdgePool& p, const KeySpec& spec, const toml::node& v);
  void frontend_pool(const TableSpec& spec, const toml::table& tbl, const toml::node& whole);
  void frontend_key(FrontendPool& f, const KeySpec& spec, const toml::node& v);
  void mras_key(const KeySpec& spec, const toml::node& v);

  // Typed values with checks; nullopt after reporting the error.
  std::optional<Located<std::string>> name_value(const toml::node& v, const KeySpec& spec,
                                                 size_t max);
  std::optional<Located<std::string>> dns_value(const toml::node& v, const KeySpec& spec);
  std::optional<Located<IpAddress>> ip_value(const toml::node& v, std::string_view key);
  void ip_list(const toml::node& v, const KeySpec& spec, std::vector<Located<IpAddress>>& out);
  void dns_list(const toml::node& v, const KeySpec& spec, std::vector<Located<std::string>>& out);
  std::optional<Located<uint16_t>> port_value(const toml::node& v, const KeySpec& spec);

  TomlReader& r_;
  Topology& t_;
};

}  // namespace avedge::config

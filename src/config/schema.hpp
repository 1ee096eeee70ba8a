// The configuration schema: every table and key the loader knows, each with a correct example
// line used in "fix:" hints and "did you mean" suggestions. Keep in step with
// config/default.toml and README.md's configuration table.
#pragma once

#include <string_view>
#include <vector>

namespace avedge::config {

struct KeySpec {
  std::string_view key;
  std::string_view example;  // a correct line, used in "fix:"
};

struct TableSpec {
  std::string_view name;  // "edge"; "edge_pool" for [[edge_pool]]
  std::vector<KeySpec> keys;
  bool array_of_tables = false;  // written [[name]]
};

// The top-level tables, in the order of the documentation.
const std::vector<TableSpec>& schema();
// Inline tables inside [[edge_pool]]: edges = [{...}] and secrets = [{...}].
const TableSpec& edge_node_spec();
const TableSpec& pool_secret_spec();

const TableSpec* find_table(std::string_view name);
const KeySpec* find_key(const TableSpec& t, std::string_view key);

}  // namespace avedge::config

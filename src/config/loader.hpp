// Loading avedge.toml (toml++) into the Config model. Every value keeps its file and line;
// every error says where, what and how to fix it, and an unknown key names the nearest known
// one. Loading does not touch the network; see finalize() for the cross-field checks.
#pragma once

#include <string>
#include <string_view>

#include "config/config.hpp"
#include "config/problem.hpp"

namespace avedge::config {

struct LoadResult {
  Config config;
  Errors errors;
  [[nodiscard]] bool ok() const { return errors.empty(); }
};

// display_name: the file name used in messages; base_dir: where relative paths
// (secret_files, tls cert/key) are resolved.
LoadResult load_string(std::string_view text, const std::string& display_name,
                       const std::string& base_dir = ".");
LoadResult load_file(const std::string& path);
// The default compiled into the binary (config/default.toml).
LoadResult load_embedded_default();

// Every known table and key, for "did you mean" and `avedge check` (as "table.key").
std::vector<std::string> known_keys();

}  // namespace avedge::config

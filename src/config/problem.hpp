// Errors found while loading a configuration: where, what, and how to fix it.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"

namespace avedge::config {

// What a value parser says about a bad value; the caller adds where and which key.
struct Problem {
  std::string cause;
  std::string fix;
};

// A parsed value or the reason it was refused.
template <typename T>
struct Parsed {
  std::optional<T> value;
  Problem problem;

  static Parsed good(T v) { return Parsed{std::move(v), {}}; }
  static Parsed bad(std::string cause, std::string fix) {
    return Parsed{std::nullopt, Problem{std::move(cause), std::move(fix)}};
  }
  [[nodiscard]] bool ok() const { return value.has_value(); }
};

// One configuration error, printed as
//   avedge.toml:14: relay_ports "5000-4000": start above end; fix: write "50000-59999"
struct ConfigError {
  SourcePos where;
  std::string cause;
  std::string fix;
  // Set for a problem that `avedge check` reports itself as this rule (with the user impact):
  // the loader keeps the value so the rule can see it; `serve` refuses it like any error.
  std::string rule;
  [[nodiscard]] std::string to_string() const;
};

using Errors = std::vector<ConfigError>;

// "key \"raw\": cause"
ConfigError value_error(const SourcePos& where, std::string_view key, std::string_view raw,
                        const Problem& p);

}  // namespace avedge::config

#include "config/problem.hpp"

#include <fmt/format.h>

namespace avedge::config {

std::string ConfigError::to_string() const {
  std::string out = fmt::format("{}: {}", where.to_string(), cause);
  if (!fix.empty()) out += fmt::format("; fix: {}", fix);
  return out;
}

ConfigError value_error(const SourcePos& where, std::string_view key, std::string_view raw,
                        const Problem& p) {
  return ConfigError{where, fmt::format("{} \"{}\": {}", key, raw, p.cause), p.fix};
}

}  // namespace avedge::config

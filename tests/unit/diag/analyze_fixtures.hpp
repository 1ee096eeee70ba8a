// Paths of the `avedge analyze` fixtures (tests/fixtures/analyze/, see its README.md).
#pragma once

#include <string>

namespace avedge::diag {

inline std::string fixture(const std::string& name) {
  return std::string(AVEDGE_SOURCE_DIR) + "/tests/fixtures/analyze/" + name;
}

}  // namespace avedge::diag

// The default configuration compiled into the binary; the source is config/default.toml
// (a unit test checks that both are identical).
#pragma once

#include <string_view>

namespace avedge::config {

std::string_view embedded_default_toml();

}  // namespace avedge::config

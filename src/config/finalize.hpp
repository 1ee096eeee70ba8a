// Cross-field checks and derived values, run after the file and the flags are applied.
#pragma once

#include "config/config.hpp"
#include "config/problem.hpp"

namespace avedge::config {

// Derives relay_ips from the first listener when none is configured, then checks what no
// single value can tell: at least one listener, no duplicate TCP port, one relay address per
// family, lifetimes in order, a TLS certificate with its key.
Errors finalize(Config& cfg);

}  // namespace avedge::config

// POST /api/v1/drain (issue 5 item 6, `avedge drain` of DESIGN.md §1): where new allocations go
// while this edge leaves service: another edge of the same pool from the topology, if any.
#pragma once

#include <optional>

#include "config/config.hpp"
#include "turn/server.hpp"

namespace avedge::admin {

// The first edge of this edge's pool ([[edge_pool]] edges) that is not this process (none of
// its relay or listener addresses), at the pool's advertised TURN ports. Both empty when the
// topology lists no other edge (the draining edge then answers 403).
turn::DrainTarget drain_target(const config::Config& cfg,
                               const std::vector<config::Listener>& bound);

}  // namespace avedge::admin

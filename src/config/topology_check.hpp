// Cross-references of the topology, checked once the whole file is read: pool names are
// unique, every frontend_pool.edge_pool and [edge] pool names an [[edge_pool]], the default
// routing domain is one of the SIP domains.
#pragma once

#include "config/problem.hpp"
#include "config/topology.hpp"

namespace avedge::config {

void check_topology(const Topology& t, Errors& out);

}  // namespace avedge::config

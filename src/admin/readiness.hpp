// /readyz (issue 5 item 6): ready once the listeners are bound and the edge answers a
// self-test: a STUN Binding (RFC 8489 §6) sent to a bound UDP listener gets its success
// response, and every relay address can be bound (it is an address of this host).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "config/model_basics.hpp"
#include "core/address.hpp"

namespace avedge::admin {

// Empty when ready; otherwise what failed, for the 503 body.
std::string readiness_problem(const std::vector<config::Listener>& bound,
                              const std::vector<IpAddress>& relay_ips,
                              std::chrono::milliseconds timeout);

}  // namespace avedge::admin

// A listener whose port another process already listens on is refused at start (see
// core/port_probe.hpp): every worker binds with SO_REUSEPORT, which the kernel also grants to a
// second process of the same user; that process would then get part of the clients (by their
// 4-tuple hash), and their allocations would be unknown to this one: 437 Allocation Mismatch,
// 401s, media that stops halfway.
#pragma once

#include "config/config.hpp"

namespace avedge::net {

// Throws std::runtime_error "FILE:LINE: listen "URL": cannot bind: ..." when the port is taken.
void refuse_if_port_taken(const config::Listener& l);

}  // namespace avedge::net

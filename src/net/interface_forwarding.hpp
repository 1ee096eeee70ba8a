// Whether an interface forwards IP packets (net.ipv4/ipv6.conf.IF.forwarding), which
// bpf_fib_lookup() needs for the tc fast path (decision 0013).
#pragma once

#include <optional>
#include <string_view>

#include "core/address.hpp"

namespace avedge::net {

// nullopt: no such interface, or /proc not readable.
std::optional<bool> interface_forwards(std::string_view interface, Family family);

}  // namespace avedge::net

// Whether a listening port is already taken by another socket (issue 6: a clear error, not a
// silent split). avedge's listeners (SO_REUSEPORT, one per worker) and cpp-httplib's (the admin
// API, MRAS over HTTP) would otherwise be granted a port that another process of the same user
// listens on, and the kernel would then split the clients between the two.
#pragma once

#include <string>

#include "core/address.hpp"

namespace avedge {

// Binds a throwaway socket to `at` without SO_REUSEPORT (a TCP one with SO_REUSEADDR, which
// connections in TIME_WAIT pass but a listening socket does not; IPv6 ones V6ONLY, as the
// listeners are) and closes it. True only for EADDRINUSE; port 0 is never taken.
bool port_taken(const Endpoint& at, bool udp);

// "UDP port 3478 is already taken on this address (...); fix: ..." for the error of any
// listening service whose port is taken.
std::string port_taken_message(const Endpoint& at, bool udp);

}  // namespace avedge

// Socket options set with setsockopt on native handles; all best effort unless said otherwise.
#pragma once

#include <string>

#include "core/address.hpp"

namespace avedge::net {

constexpr int kSocketBufferBytes = 4 * 1024 * 1024;

// SO_REUSEPORT: every worker binds the same listening port and the kernel spreads clients,
// keeping one 4-tuple on one socket. Returns false on failure (then the bind must not go on).
bool set_reuseport(int fd);
// SO_RCVBUF / SO_SNDBUF to a few MB, best effort (capped by net.core.*mem_max).
void set_buffers(int fd);
// IPV6_V6ONLY on IPv6 sockets so that 0.0.0.0 and [::] listeners can coexist.
void set_v6only(int fd, Family f);
// DONT-FRAGMENT (RFC 8656 §14.8): IP_MTU_DISCOVER=IP_PMTUDISC_DO / IPV6_DONTFRAG while on;
// back to the system default when off.
void set_dont_fragment(int fd, Family f, bool on);
void set_nodelay(int fd);
// SO_RXQ_OVFL (socket(7)): each datagram carries the socket's running count of datagrams the
// kernel dropped because the receive queue was full.
void set_rxq_overflow(int fd);

}  // namespace avedge::net

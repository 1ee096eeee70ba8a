#include "net/net_stats.hpp"

#include <cerrno>

namespace avedge::net {

bool send_buffer_full(int err) {
  // EAGAIN/EWOULDBLOCK: the send buffer of a non-blocking socket is full; ENOBUFS: the
  // device queue or socket memory is exhausted (Linux udp(7), sendmsg(2)).
  return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS;
}

}  // namespace avedge::net

#include "net/socket_options.hpp"

#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace avedge::net {

namespace {
bool set_int(int fd, int level, int name, int value) {
  return ::setsockopt(fd, level, name, &value, sizeof value) == 0;
}
}  // namespace

bool set_reuseport(int fd) {
  return set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1);
}

void set_buffers(int fd) {
  (void)set_int(fd, SOL_SOCKET, SO_RCVBUF, kSocketBufferBytes);
  (void)set_int(fd, SOL_SOCKET, SO_SNDBUF, kSocketBufferBytes);
}

void set_v6only(int fd, Family f) {
  if (f == Family::V6) (void)set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
}

void set_dont_fragment(int fd, Family f, bool on) {
  if (f == Family::V4) {
    (void)set_int(fd, IPPROTO_IP, IP_MTU_DISCOVER, on ? IP_PMTUDISC_DO : IP_PMTUDISC_WANT);
  } else {
    (void)set_int(fd, IPPROTO_IPV6, IPV6_DONTFRAG, on ? 1 : 0);
  }
}

void set_rxq_overflow(int fd) {
  (void)set_int(fd, SOL_SOCKET, SO_RXQ_OVFL, 1);
}

void set_nodelay(int fd) {
  (void)set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1);
}

}  // namespace avedge::net

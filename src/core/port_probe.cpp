#include "core/port_probe.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace avedge {

bool port_taken(const Endpoint& at, bool udp) {
  if (at.port == 0) return false;
  sockaddr_storage ss{};
  const socklen_t len = at.to_sockaddr(ss);
  const int fd = ::socket(ss.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;  // the real bind reports what is wrong
  const int on = 1;
  if (!udp) (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (at.ip.family == Family::V6) (void)::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  const bool taken =
      ::bind(fd, reinterpret_cast<const sockaddr*>(&ss), len) != 0 && errno == EADDRINUSE;
  ::close(fd);
  return taken;
}

std::string port_taken_message(const Endpoint& at, bool udp) {
  const std::string port = std::to_string(at.port);
  return std::string(udp ? "UDP" : "TCP") + " port " + port +
         " is already taken on this address (by another avedge or another server, which would "
         "get part of the clients if the port were shared); fix: stop it (`ss -" +
         (udp ? "u" : "t") + "lp 'sport = :" + port + "'` names it) or listen on another port";
}

}  // namespace avedge

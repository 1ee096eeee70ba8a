#include "probe/echo_peer.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "probe/stream.hpp"

namespace avedge::probe {

EchoPeer::EchoPeer(const IpAddress& ip, std::string& error) {
  fd_ = ::socket(ip.is_v4() ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_storage ss{};
  const unsigned len = Endpoint{ip, 0}.to_sockaddr(ss);
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0) {  // NOLINT
    error = "echo peer on " + ip.to_string() + ": " + std::strerror(errno);
    return;
  }
  socklen_t sl = sizeof ss;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &sl) == 0) {  // NOLINT
    if (auto ep = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss))) address_ = *ep;
  }
}

EchoPeer::~EchoPeer() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::pair<Endpoint, std::vector<uint8_t>>> EchoPeer::receive(int timeout_ms) {
  if (fd_ < 0 || wait_readable(fd_, timeout_ms) != 1) return std::nullopt;
  std::array<uint8_t, 2048> buf{};
  sockaddr_storage ss{};
  socklen_t sl = sizeof ss;
  const auto n =
      ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&ss),  // NOLINT
                 &sl);
  const auto from = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss));  // NOLINT
  if (n < 0 || !from) return std::nullopt;
  return std::make_pair(*from, std::vector<uint8_t>(buf.begin(), buf.begin() + n));
}

bool EchoPeer::send_to(const Endpoint& to, std::span<const uint8_t> data) {
  sockaddr_storage ss{};
  const unsigned len = to.to_sockaddr(ss);
  return ::sendto(fd_, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&ss),
                  len) ==  // NOLINT
         static_cast<ssize_t>(data.size());
}

}  // namespace avedge::probe

#include "admin/readiness.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>

#include <fmt/format.h>

#include "core/crypto.hpp"
#include "wire/stun_builder.hpp"
#include "wire/stun_message.hpp"

namespace avedge::admin {

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

// A wildcard listener is reached on the loopback address of its family.
Endpoint reachable(const Endpoint& ep) {
  if (!ep.ip.is_unspecified()) return ep;
  if (ep.ip.is_v4()) return Endpoint{IpAddress::v4(127, 0, 0, 1), ep.port};
  std::array<uint8_t, 16> b{};
  b[15] = 1;
  return Endpoint{IpAddress::v6(b), ep.port};
}

std::string binding_self_test(const Endpoint& listener, std::chrono::milliseconds timeout) {
  const Endpoint to = reachable(listener);
  Fd fd(::socket(to.ip.is_v4() ? AF_INET : AF_INET6, SOCK_DGRAM, 0));
  if (fd.get() < 0) return "cannot open a UDP socket for the self-test";
  stun::TransactionId tid{};
  crypto::random_bytes(tid);
  std::array<uint8_t, 64> buf{};
  stun::Builder b(buf, stun::method::Binding, stun::Class::Request, tid);
  b.add_fingerprint();
  sockaddr_storage ss{};
  const unsigned len = to.to_sockaddr(ss);
  if (!b.ok() || ::sendto(fd.get(), b.bytes().data(), b.bytes().size(), 0,
                          reinterpret_cast<const sockaddr*>(&ss), len) < 0) {
    return fmt::format("self-test: cannot send a STUN Binding to {}", to.to_string());
  }
  std::array<uint8_t, 1500> in{};
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    pollfd p{fd.get(), POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t n = ::recv(fd.get(), in.data(), in.size(), 0);
    if (n <= 0) continue;
    stun::Message m;
    if (stun::parse(std::span<const uint8_t>(in.data(), static_cast<size_t>(n)), m) ==
            stun::ParseError::None &&
        m.tid == tid && m.method == stun::method::Binding && m.cls == stun::Class::Success) {
      return {};
    }
  }
  return fmt::format("self-test: no STUN Binding answer from {} within {} ms", to.to_string(),
                     timeout.count());
}

std::string relay_bindable(const IpAddress& ip) {
  Fd fd(::socket(ip.is_v4() ? AF_INET : AF_INET6, SOCK_DGRAM, 0));
  sockaddr_storage ss{};
  const unsigned len = Endpoint{ip, 0}.to_sockaddr(ss);
  if (fd.get() < 0 || ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&ss), len) != 0) {
    return fmt::format("relay address {} cannot be bound on this host", ip.to_string());
  }
  return {};
}

}  // namespace

std::string readiness_problem(const std::vector<config::Listener>& bound,
                              const std::vector<IpAddress>& relay_ips,
                              std::chrono::milliseconds timeout) {
  if (bound.empty()) return "no listener bound";
  for (const auto& ip : relay_ips) {
    if (auto p = relay_bindable(ip); !p.empty()) return p;
  }
  for (const auto& l : bound) {
    if (l.kind == config::ListenerKind::Udp) return binding_self_test(l.endpoint, timeout);
  }
  return {};  // stream listeners only: bound is all we check
}

}  // namespace avedge::admin

#include "net/relay_sockets.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "core/crypto.hpp"
#include "net/endpoint_conv.hpp"
#include "net/socket_options.hpp"
#include "turn/reservations.hpp"

namespace avedge::net {

namespace {
constexpr int kPortAttempts = 50;
constexpr int kMaxRoundsPerWake = 8;
}  // namespace

struct RelaySockets::Socket final : ReadyPoller::Handler {
  Socket(RecvBatch& b, PacketSink& k, uint32_t relay_id, Family f)
      : batch(b), sink(k), id(relay_id), family(f) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }

  void on_readable() override {
    for (int round = 0; round < kMaxRoundsPerWake && !closed; ++round) {
      const int n = batch.receive(fd);
      if (n <= 0) break;
      sink.begin_batch(static_cast<size_t>(n) >= RecvBatch::kCount);
      if (auto total = batch.rx_queue_drops_of_batch(static_cast<size_t>(n))) {
        if (const uint32_t d = overflow.update(*total)) {
          sink.on_socket_drops(SocketDrop::RxQueueOverflow, d);
        }
      }
      for (int i = 0; i < n && !closed; ++i) {
        const auto idx = static_cast<size_t>(i);
        if (batch.truncated(idx)) continue;
        auto from = Endpoint::from_sockaddr(batch.from(idx));
        if (!from) continue;
        sink.on_peer_packet(id, *from, batch.data(idx));
      }
      if (static_cast<size_t>(n) < RecvBatch::kCount) break;
    }
    sink.end_drain();
  }

  RecvBatch& batch;
  PacketSink& sink;
  int fd = -1;  // owned; watched by the worker's ReadyPoller
  uint32_t id;
  Family family;
  bool dont_fragment = false;
  bool closed = false;
  OverflowTracker overflow;
};

RelaySockets::RelaySockets(asio::io_context& io, ReadyPoller& poller, RecvBatch& batch,
                           SendQueue& sendq, PacketSink& sink, config::PortRange range,
                           std::optional<IpAddress> v4, std::optional<IpAddress> v6)
    : io_(io),
      poller_(poller),
      batch_(batch),
      sendq_(sendq),
      sink_(sink),
      range_(range),
      v4_(v4),
      v6_(v6) {}

RelaySockets::~RelaySockets() {
  close_all();
}

namespace {

// True when nothing is bound to ep right now (probe bind, closed at once).
bool port_free(asio::io_context& io, const Endpoint& ep) {
  asio::ip::udp::socket probe(io);
  asio::error_code ec;
  const auto a = to_asio<asio::ip::udp::endpoint>(ep);
  probe.open(a.protocol(), ec);
  if (ec) return false;
  probe.bind(a, ec);
  return !ec;
}

}  // namespace

std::optional<Endpoint> RelaySockets::open(uint32_t relay_id, Family family,
                                           const turn::RelayPortRequest& req) {
  using Kind = turn::RelayPortRequest::Kind;
  const std::optional<IpAddress>& ip = family == Family::V4 ? v4_ : v6_;
  if (!ip || sockets_.count(relay_id) != 0) return std::nullopt;
  auto s = std::make_unique<Socket>(batch_, sink_, relay_id, family);
  s->fd = ::socket(family == Family::V4 ? AF_INET : AF_INET6,
                   SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s->fd < 0) return std::nullopt;
  set_v6only(s->fd, family);
  set_buffers(s->fd);
  set_rxq_overflow(s->fd);

  int bind_errno = 0;
  auto try_bind = [&](uint16_t port) -> std::optional<Endpoint> {
    const Endpoint ep{*ip, port};
    sockaddr_storage ss{};
    const socklen_t len = ep.to_sockaddr(ss);
    if (::bind(s->fd, reinterpret_cast<const sockaddr*>(&ss), len) != 0) {
      bind_errno = errno;
      return std::nullopt;
    }
    try {
      poller_.add(s->fd, *s);
    } catch (const std::system_error& e) {
      bind_errno = e.code().value();  // not a port conflict: no other port is tried
      return std::nullopt;
    }
    sockets_.emplace(relay_id, std::move(s));
    return ep;
  };

  if (req.kind == Kind::Exact) {
    // RESERVATION-TOKEN (RFC 8656 §7.2 step 6): the reserved port or nothing.
    if (req.port < range_.first || req.port > range_.last) return std::nullopt;
    return try_bind(req.port);
  }
  const bool even = req.kind == Kind::Even || req.kind == Kind::EvenPair;
  const uint32_t span = uint32_t{range_.last} - range_.first + 1;
  auto held = [&](uint32_t port) {
    return req.reservations != nullptr &&
           req.reservations->held(Endpoint{*ip, static_cast<uint16_t>(port)}, req.now);
  };
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    // A random port from a CSPRNG: predictable relay ports help attackers
    // (RFC 8656 §7.2 and coturn CVE-2025-69217).
    uint32_t port = range_.first + crypto::random_u32() % span;
    if (even && (port % 2) != 0) {
      // EVEN-PORT (RFC 8656 §14.6): the relayed port must be even.
      port = port - 1 >= range_.first ? port - 1 : port + 1;
    }
    if (port > range_.last || held(port)) continue;
    if (req.kind == Kind::EvenPair) {
      // R=1: the next port is reserved for the RTCP allocation, so it must be free too.
      if (port + 1 > range_.last || held(port + 1) ||
          !port_free(io_, Endpoint{*ip, static_cast<uint16_t>(port + 1)})) {
        continue;
      }
    }
    if (auto ep = try_bind(static_cast<uint16_t>(port))) return ep;
    if (bind_errno != EADDRINUSE) return std::nullopt;
  }
  return std::nullopt;
}

void RelaySockets::close(uint32_t relay_id) {
  auto it = sockets_.find(relay_id);
  if (it == sockets_.end()) return;
  // Queued datagrams name the socket by descriptor: send them before the number can be reused.
  if (const uint64_t full = sendq_.flush()) sink_.on_socket_drops(SocketDrop::BufferFull, full);
  retire(std::move(it->second));
  sockets_.erase(it);
}

// A socket closed while the poller hands out a wait's events may still be named by one of
// them: it stops reading at once and is freed at the end of the worker's turn (reap()).
void RelaySockets::retire(std::unique_ptr<Socket> s) {
  s->closed = true;
  poller_.remove(s->fd);
  ::close(s->fd);
  s->fd = -1;
  retired_.push_back(std::move(s));
}

void RelaySockets::reap() {
  retired_.clear();
}

void RelaySockets::close_all() {
  (void)sendq_.flush();
  for (auto& [id, s] : sockets_) retire(std::move(s));
  sockets_.clear();
}

void RelaySockets::send(uint32_t relay_id, const Endpoint& peer, std::span<const uint8_t> bytes,
                        bool dont_fragment) {
  auto it = sockets_.find(relay_id);
  if (it == sockets_.end()) return;
  Socket& s = *it->second;
  if (peer.ip.family != s.family) return;  // RFC 8656 §9.1: 443 checked by the core already
  const int fd = s.fd;
  if (dont_fragment != s.dont_fragment) {
    // Only on change: most traffic never asks for DONT-FRAGMENT (RFC 8656 §14.8). Datagrams
    // queued before the change leave with the setting they were sent under.
    if (const uint64_t full = sendq_.flush()) sink_.on_socket_drops(SocketDrop::BufferFull, full);
    set_dont_fragment(fd, s.family, dont_fragment);
    s.dont_fragment = dont_fragment;
  }
  sendq_.push(fd, peer, bytes);
}

}  // namespace avedge::net

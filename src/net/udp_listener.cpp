#include "net/udp_listener.hpp"

#include <sys/socket.h>

#include "net/endpoint_conv.hpp"
#include "net/socket_options.hpp"

namespace avedge::net {

namespace {
// Datagram bursts beyond this many recvmmsg calls yield to the other sockets of the worker.
constexpr int kMaxRoundsPerWake = 8;
}  // namespace

UdpListener::UdpListener(asio::io_context& io, const Endpoint& bind_to, RecvBatch& batch,
                         PacketSink& sink)
    : socket_(io), batch_(batch), sink_(sink) {
  const auto ep = to_asio<asio::ip::udp::endpoint>(bind_to);
  socket_.open(ep.protocol());
  const int fd = socket_.native_handle();
  if (!set_reuseport(fd)) {
    throw std::system_error(errno, std::generic_category(), "SO_REUSEPORT");
  }
  set_v6only(fd, bind_to.ip.family);
  set_buffers(fd);
  socket_.non_blocking(true);
  socket_.bind(ep);
  local_ = from_asio(socket_.local_endpoint());
}

void UdpListener::arm() {
  socket_.async_wait(asio::socket_base::wait_read, [this](const asio::error_code& ec) {
    if (ec) return;  // closed (worker stopping)
    drain();
    arm();
  });
}

void UdpListener::drain() {
  const int fd = socket_.native_handle();
  for (int round = 0; round < kMaxRoundsPerWake; ++round) {
    const int n = batch_.receive(fd);
    if (n <= 0) return;
    sink_.begin_batch();
    for (int i = 0; i < n; ++i) {
      const auto idx = static_cast<size_t>(i);
      if (batch_.truncated(idx)) continue;
      auto from = Endpoint::from_sockaddr(batch_.from(idx));
      if (!from) continue;
      const turn::ClientTuple t{turn::Transport::Udp, *from, local_, 0};
      sink_.on_client_packet(t, batch_.data(idx));
    }
    if (static_cast<size_t>(n) < RecvBatch::kCount) return;
  }
}

void UdpListener::send(const Endpoint& to, std::span<const uint8_t> bytes) {
  sockaddr_storage ss{};
  const unsigned len = to.to_sockaddr(ss);
  // UDP: a full send buffer drops the datagram, as the network would.
  (void)::sendto(socket_.native_handle(), bytes.data(), bytes.size(), MSG_DONTWAIT,
                 reinterpret_cast<const sockaddr*>(&ss), len);
}

}  // namespace avedge::net

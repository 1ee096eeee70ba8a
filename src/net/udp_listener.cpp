#include "net/udp_listener.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "net/endpoint_conv.hpp"
#include "net/socket_options.hpp"

namespace avedge::net {

namespace {
// Datagram bursts beyond this many recvmmsg calls yield to the other sockets of the worker.
constexpr int kMaxRoundsPerWake = 8;
}  // namespace

UdpListener::UdpListener(asio::io_context& io, ReadyPoller& poller, const Endpoint& bind_to,
                         RecvBatch& batch, SendQueue& sendq, PacketSink& sink)
    : poller_(poller), batch_(batch), sendq_(sendq), sink_(sink) {
  asio::ip::udp::socket socket(io);
  const auto ep = to_asio<asio::ip::udp::endpoint>(bind_to);
  socket.open(ep.protocol());
  const int fd = socket.native_handle();
  if (!set_reuseport(fd)) {
    throw std::system_error(errno, std::generic_category(), "SO_REUSEPORT");
  }
  set_v6only(fd, bind_to.ip.family);
  set_buffers(fd);
  set_rxq_overflow(fd);
  socket.non_blocking(true);
  socket.bind(ep);
  local_ = from_asio(socket.local_endpoint());
  wildcard_ = local_.ip.is_unspecified();
  if (wildcard_) {
    // Learn the destination address of each datagram, to answer from it.
    const int on = 1;
    if (bind_to.ip.family == Family::V4) {
      ::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    } else {
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
    }
  }
  // From here on the worker's ReadyPoller, not asio, watches the socket.
  fd_ = socket.release();
}

UdpListener::~UdpListener() {
  if (started_) poller_.remove(fd_);
  ::close(fd_);
}

void UdpListener::start() {
  poller_.add_receiver(fd_, *this, *this);
  started_ = true;
}

bool UdpListener::serves(const Endpoint& server) const {
  if (server == local_) return true;
  return wildcard_ && server.port == local_.port && server.ip.family == local_.ip.family;
}

void UdpListener::on_readable() {
  std::array<MultishotReceiver::Datagram, RecvBatch::kCount> run;
  for (int round = 0; round < kMaxRoundsPerWake; ++round) {
    const int n = batch_.receive(fd_);
    if (n <= 0) break;
    size_t count = 0;
    for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
      if (batch_.truncated(i)) continue;
      run[count++] = MultishotReceiver::Datagram{batch_.data(i), batch_.from(i),
                                                 wildcard_ ? batch_.destination(i) : std::nullopt};
    }
    deliver({run.data(), count}, batch_.rx_queue_drops_of_batch(static_cast<size_t>(n)),
            static_cast<size_t>(n) >= RecvBatch::kCount);
    if (static_cast<size_t>(n) < RecvBatch::kCount) break;
  }
  sink_.end_drain();
}

void UdpListener::on_received(std::span<const MultishotReceiver::Datagram> datagrams,
                              std::optional<uint32_t> rx_queue_drops) {
  deliver(datagrams, rx_queue_drops, datagrams.size() >= MultishotReceiver::kRun);
  sink_.end_drain();
}

void UdpListener::deliver(std::span<const MultishotReceiver::Datagram> datagrams,
                          std::optional<uint32_t> rx_queue_drops, bool full) {
  sink_.begin_batch(full);
  if (rx_queue_drops) {
    if (const uint32_t d = overflow_.update(*rx_queue_drops)) {
      sink_.on_socket_drops(SocketDrop::RxQueueOverflow, d);
    }
  }
  for (const auto& d : datagrams) {
    auto from = Endpoint::from_sockaddr(d.from);
    if (!from) continue;
    Endpoint server = local_;
    if (wildcard_ && d.destination) server.ip = *d.destination;
    const turn::ClientTuple t{turn::Transport::Udp, *from, server, 0};
    sink_.on_client_packet(t, d.data);
  }
}

void UdpListener::send(const Endpoint& from, const Endpoint& to, std::span<const uint8_t> bytes) {
  // A wildcard socket answers from the address the client sent to (IP_PKTINFO).
  const bool pick_source = wildcard_ && !from.ip.is_unspecified();
  sendq_.push(fd_, to, bytes, pick_source ? &from.ip : nullptr);
}

}  // namespace avedge::net

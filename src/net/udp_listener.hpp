// One UDP listening socket of a worker (SO_REUSEPORT): registered on the worker's ReadyPoller,
// which receives its datagrams while waiting (io_uring multishot, decision 0011) or reports it
// readable to be drained with recvmmsg; hands each datagram to the sink, and queues answers on the
// worker's SendQueue (sent in one sendmmsg at the end of the worker's turn).
#pragma once

#include <asio.hpp>

#include "core/address.hpp"
#include "net/packet_sink.hpp"
#include "net/ready_poller.hpp"
#include "net/recv_batch.hpp"
#include "net/send_queue.hpp"

namespace avedge::net {

class UdpListener final : public ReadyPoller::Handler, public MultishotReceiver::Handler {
 public:
  // Binds; throws std::system_error when the address cannot be bound.
  UdpListener(asio::io_context& io, ReadyPoller& poller, const Endpoint& bind_to, RecvBatch& batch,
              SendQueue& sendq, PacketSink& sink);
  ~UdpListener();
  UdpListener(const UdpListener&) = delete;
  UdpListener& operator=(const UdpListener&) = delete;

  void start();  // registers on the poller: datagrams are read from now on
  [[nodiscard]] const Endpoint& local() const { return local_; }
  // The socket, for options (tests shrink its receive queue).
  [[nodiscard]] int native_handle() const { return fd_; }
  // True when this socket would answer for `server` (its exact address, or any address of
  // its family and port when bound to 0.0.0.0 / ::).
  [[nodiscard]] bool serves(const Endpoint& server) const;
  // from: the address the client sent to; a wildcard socket answers from it (IP_PKTINFO) so
  // that the reply's source is what the client expects on a multi-homed host.
  void send(const Endpoint& from, const Endpoint& to, std::span<const uint8_t> bytes);

 private:
  void on_readable() override;
  void on_received(std::span<const MultishotReceiver::Datagram> datagrams,
                   std::optional<uint32_t> rx_queue_drops) override;
  // One batch to the sink (without end_drain); `full`: the receive took all it could.
  void deliver(std::span<const MultishotReceiver::Datagram> datagrams,
               std::optional<uint32_t> rx_queue_drops, bool full);

  ReadyPoller& poller_;
  int fd_ = -1;
  bool started_ = false;
  Endpoint local_;
  bool wildcard_ = false;
  RecvBatch& batch_;
  SendQueue& sendq_;
  PacketSink& sink_;
  OverflowTracker overflow_;
};

}  // namespace avedge::net

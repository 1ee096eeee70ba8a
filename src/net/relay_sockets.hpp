// The relay sockets of one worker (RFC 8656 §7.2 step 6): one UDP socket per relayed
// transport address, bound to this edge's relay IP on a random port of the range, without
// SO_REUSEPORT so that no two allocations ever share a port.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include <asio.hpp>

#include "config/config.hpp"
#include "core/address.hpp"
#include "net/packet_sink.hpp"
#include "net/ready_poller.hpp"
#include "net/recv_batch.hpp"
#include "net/send_queue.hpp"
#include "turn/io.hpp"

namespace avedge::net {

class RelaySockets {
 public:
  // io: only for probing whether a port is free; the sockets are watched by `poller`.
  RelaySockets(asio::io_context& io, ReadyPoller& poller, RecvBatch& batch, SendQueue& sendq,
               PacketSink& sink, config::PortRange range, std::optional<IpAddress> v4,
               std::optional<IpAddress> v6);
  ~RelaySockets();
  RelaySockets(const RelaySockets&) = delete;
  RelaySockets& operator=(const RelaySockets&) = delete;

  // A port as `req` says: random (any, even, or even with a free successor for EVEN-PORT R=1,
  // skipping live reservations), or exactly req.port (RESERVATION-TOKEN).
  std::optional<Endpoint> open(uint32_t relay_id, Family family, const turn::RelayPortRequest& req);
  void close(uint32_t relay_id);
  // Queues the datagram on the worker's SendQueue (sent at the end of the turn).
  void send(uint32_t relay_id, const Endpoint& peer, std::span<const uint8_t> bytes,
            bool dont_fragment);
  [[nodiscard]] size_t size() const { return sockets_.size(); }
  void close_all();
  // Frees the sockets closed since the last call (the worker calls it once per turn).
  void reap();

 private:
  struct Socket;
  void retire(std::unique_ptr<Socket> s);

  asio::io_context& io_;
  ReadyPoller& poller_;
  RecvBatch& batch_;
  SendQueue& sendq_;
  PacketSink& sink_;
  config::PortRange range_;
  std::optional<IpAddress> v4_;
  std::optional<IpAddress> v6_;
  std::unordered_map<uint32_t, std::unique_ptr<Socket>> sockets_;
  std::vector<std::unique_ptr<Socket>> retired_;
};

}  // namespace avedge::net

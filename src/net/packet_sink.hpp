// What sockets and connections hand their packets to: the worker, which owns the
// turn::Server. Everything runs on the worker's thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "core/address.hpp"
#include "net/net_stats.hpp"
#include "turn/io.hpp"

namespace avedge::net {

class StreamConnection;

class PacketSink {
 public:
  virtual ~PacketSink() = default;
  // Called once before a batch of packets: reads the clocks once per batch. `full`: the
  // receive took as many datagrams as it could (more may be waiting: the worker is behind).
  virtual void begin_batch(bool full) = 0;
  virtual void on_client_packet(const turn::ClientTuple& from, std::span<const uint8_t> bytes) = 0;
  virtual void on_peer_packet(uint32_t relay_id, const Endpoint& peer,
                              std::span<const uint8_t> bytes) = 0;
  // Called after a UDP socket was drained (the worker may send what it relayed right away).
  virtual void end_drain() {}
  // TCP/TLS: a connection is accepted (registered by conn_id) and, later, closed.
  virtual uint64_t next_conn_id() = 0;
  virtual void on_stream_open(const std::shared_ptr<StreamConnection>& c) = 0;
  virtual void on_stream_closed(const turn::ClientTuple& t, bool had_frames) = 0;
  // True while the 5-tuple of a connection holds an allocation (idle deadline; default: no).
  virtual bool holds_allocation(const turn::ClientTuple& /*t*/) { return false; }
  // Datagrams the kernel dropped (counters only; default: not counted).
  virtual void on_socket_drops(SocketDrop /*why*/, uint64_t /*n*/) {}
};

}  // namespace avedge::net

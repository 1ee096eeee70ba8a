// One accepted TCP or TLS connection of a worker: cuts the byte stream into STUN and
// ChannelData frames (RFC 8656 §12.5, RFC 8489 §6.2.2) and writes answers in order.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <asio.hpp>
#include <asio/ssl.hpp>

#include "core/clock.hpp"
#include "net/connection_limits.hpp"
#include "net/packet_sink.hpp"
#include "turn/io.hpp"

namespace avedge::net {

using TlsStream = asio::ssl::stream<asio::ip::tcp::socket>;

// The largest frame: a STUN header and a 16-bit length of body (RFC 8489 §5).
constexpr size_t kMaxFrame = 65535 + 20;
// A connection whose peer does not read is dropped rather than buffered without bound.
constexpr size_t kMaxWriteQueue = 1024 * 1024;
constexpr auto kTlsHandshakeDeadline = std::chrono::seconds(10);
// A connection that has not sent one whole frame by then is closed: junk or slowloris.
constexpr auto kFirstFrameDeadline = std::chrono::seconds(10);

// [limits] of streams (config), and where closes by a limit are counted.
struct StreamLimits {
  std::shared_ptr<ConnectionLimits> counters;  // null: no connection limit, nothing counted
  // A connection holding no allocation is closed this long after its last whole frame
  // (slowloris: one Binding, then trickled bytes or silence). Zero: no idle deadline.
  Seconds idle_timeout{30};
  size_t max_message = kMaxFrame;  // a longer frame closes the connection
};

class StreamConnection : public std::enable_shared_from_this<StreamConnection> {
 public:
  explicit StreamConnection(turn::ClientTuple tuple) : tuple_(tuple) {}
  virtual ~StreamConnection() = default;
  StreamConnection(const StreamConnection&) = delete;
  StreamConnection& operator=(const StreamConnection&) = delete;

  virtual void start() = 0;  // TLS handshake if any, then reading
  virtual void send(std::span<const uint8_t> bytes) = 0;
  virtual void close() = 0;
  [[nodiscard]] const turn::ClientTuple& tuple() const { return tuple_; }

 protected:
  turn::ClientTuple tuple_;
};

// Stream: asio::ip::tcp::socket or TlsStream.
template <typename Stream>
class StreamConnectionImpl final : public StreamConnection {
 public:
  StreamConnectionImpl(Stream stream, turn::ClientTuple tuple, PacketSink& sink,
                       StreamLimits limits = {}, ConnectionTicket ticket = {});
  void start() override;
  void send(std::span<const uint8_t> bytes) override;
  void close() override;

 private:
  void read();
  void process();
  void write();
  void arm_first_frame_deadline();
  void arm_idle_deadline(Clock::duration after);
  void close_for(StreamClose why);
  auto& lowest() { return stream_.lowest_layer(); }

  Stream stream_;
  PacketSink& sink_;
  asio::steady_timer deadline_;
  std::vector<uint8_t> in_;  // grows up to kMaxFrame
  size_t in_len_ = 0;
  std::vector<uint8_t> pending_;   // appended by send()
  std::vector<uint8_t> inflight_;  // being written
  bool writing_ = false;
  bool closed_ = false;
  bool had_frames_ = false;
  StreamLimits limits_;
  ConnectionTicket ticket_;  // our place under the connection limits, given back on destruction
  TimePoint last_frame_{};
};

extern template class StreamConnectionImpl<asio::ip::tcp::socket>;
extern template class StreamConnectionImpl<TlsStream>;

}  // namespace avedge::net

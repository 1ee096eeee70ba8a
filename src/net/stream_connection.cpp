#include "net/stream_connection.hpp"

#include <algorithm>
#include <cstring>

#include <spdlog/spdlog.h>

#include "wire/channel_data.hpp"

namespace avedge::net {

namespace {
constexpr size_t kInitialReadBuffer = 4096;

// The size a frame's first 4 bytes announce (RFC 8489 §6.2.2 header + length; RFC 8656 §12.5
// ChannelData padded to 4 over streams).
size_t declared_size(std::span<const uint8_t> b) {
  const size_t len = (size_t{b[2]} << 8) | b[3];
  return wire::classify(b[0]) == wire::Kind::Stun ? 20 + len : 4 + ((len + 3) & ~size_t{3});
}
}  // namespace

template <typename Stream>
StreamConnectionImpl<Stream>::StreamConnectionImpl(Stream stream, turn::ClientTuple tuple,
                                                   PacketSink& sink, StreamLimits limits,
                                                   ConnectionTicket ticket)
    : StreamConnection(tuple),
      stream_(std::move(stream)),
      sink_(sink),
      deadline_(stream_.get_executor()),
      in_(kInitialReadBuffer),
      limits_(std::move(limits)),
      ticket_(std::move(ticket)) {
  limits_.max_message = std::min(limits_.max_message, kMaxFrame);
}

template <typename Stream>
void StreamConnectionImpl<Stream>::close_for(StreamClose why) {
  if (closed_) return;
  if (limits_.counters) limits_.counters->count_close(why);
  spdlog::debug("{{\"event\":\"conn.closed\",\"reason\":\"{}\",\"client\":\"{}\",\"conn\":{}}}",
                to_string(why), tuple_.client.to_string(), tuple_.conn_id);
  close();
}

template <typename Stream>
void StreamConnectionImpl<Stream>::start() {
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    auto self = shared_from_this();
    deadline_.expires_after(kTlsHandshakeDeadline);
    deadline_.async_wait([this, self](const asio::error_code& ec) {
      if (!ec) close_for(StreamClose::TlsHandshake);
    });
    stream_.async_handshake(asio::ssl::stream_base::server, [this,
                                                             self](const asio::error_code& ec) {
      deadline_.cancel();
      if (ec) {
        spdlog::debug("tls handshake from {} failed: {}", tuple_.client.to_string(), ec.message());
        close();
        return;
      }
      arm_first_frame_deadline();
      read();
    });
  } else {
    arm_first_frame_deadline();
    read();
  }
}

template <typename Stream>
void StreamConnectionImpl<Stream>::arm_first_frame_deadline() {
  deadline_.expires_after(kFirstFrameDeadline);
  deadline_.async_wait([self = shared_from_this(), this](const asio::error_code& ec) {
    if (!ec && !had_frames_) close_for(StreamClose::FirstFrame);
  });
}

// Checked when the deadline passes rather than re-armed per frame: the relay path only stores
// a time. A connection that holds an allocation is bounded by its lifetime instead.
template <typename Stream>
void StreamConnectionImpl<Stream>::arm_idle_deadline(Clock::duration after) {
  deadline_.expires_after(after);
  deadline_.async_wait([self = shared_from_this(), this](const asio::error_code& ec) {
    if (ec || closed_) return;
    const auto quiet = Clock::now() - last_frame_;
    if (quiet < limits_.idle_timeout) {
      arm_idle_deadline(limits_.idle_timeout - quiet);
    } else if (sink_.holds_allocation(tuple_)) {
      arm_idle_deadline(limits_.idle_timeout);
    } else {
      close_for(StreamClose::Idle);
    }
  });
}

template <typename Stream>
void StreamConnectionImpl<Stream>::read() {
  if (closed_) return;
  if (in_len_ == in_.size()) {
    if (in_.size() >= limits_.max_message) {
      close_for(StreamClose::Oversize);  // a frame larger than any message we accept
      return;
    }
    in_.resize(std::min(in_.size() * 2, limits_.max_message));
  }
  stream_.async_read_some(asio::buffer(in_.data() + in_len_, in_.size() - in_len_),
                          [this, self = shared_from_this()](const asio::error_code& ec, size_t n) {
                            if (ec) {
                              close();
                              return;
                            }
                            in_len_ += n;
                            process();
                            read();
                          });
}

template <typename Stream>
void StreamConnectionImpl<Stream>::process() {
  size_t off = 0;
  bool batch_started = false;
  while (!closed_) {
    const std::span<const uint8_t> rest(in_.data() + off, in_len_ - off);
    const wire::Frame f = wire::next_frame(rest);
    if (f.status == wire::FrameStatus::NeedMore) {
      // Refuse an oversize frame as soon as its header says so, before buffering its body.
      if (rest.size() >= 4 && declared_size(rest) > limits_.max_message) {
        close_for(StreamClose::Oversize);
        return;
      }
      break;
    }
    if (f.size > limits_.max_message) {
      close_for(StreamClose::Oversize);
      return;
    }
    if (f.status == wire::FrameStatus::Invalid || f.size == 0 || f.size > rest.size()) {
      // Neither STUN nor ChannelData: the stream cannot be resynchronised (RFC 8656 §12.5).
      close_for(StreamClose::InvalidFrame);
      return;
    }
    if (!batch_started) {
      sink_.begin_batch(false);
      batch_started = true;
    }
    if (!had_frames_) {
      had_frames_ = true;
      deadline_.cancel();
      if (limits_.idle_timeout.count() > 0) arm_idle_deadline(limits_.idle_timeout);
    }
    sink_.on_client_packet(tuple_, rest.first(f.size));
    off += f.size;
  }
  if (off > 0) last_frame_ = Clock::now();
  if (off > 0 && !closed_) {
    std::memmove(in_.data(), in_.data() + off, in_len_ - off);
    in_len_ -= off;
  }
}

template <typename Stream>
void StreamConnectionImpl<Stream>::send(std::span<const uint8_t> bytes) {
  if (closed_) return;
  if (pending_.size() + inflight_.size() + bytes.size() > kMaxWriteQueue) {
    spdlog::info("{{\"event\":\"conn.write_queue_full\",\"client\":\"{}\",\"conn\":{}}}",
                 tuple_.client.to_string(), tuple_.conn_id);
    close_for(StreamClose::WriteQueue);
    return;
  }
  pending_.insert(pending_.end(), bytes.begin(), bytes.end());
  if (!writing_) write();
}

template <typename Stream>
void StreamConnectionImpl<Stream>::write() {
  if (closed_ || pending_.empty()) return;
  std::swap(pending_, inflight_);  // both keep their capacity: no allocation per message
  pending_.clear();
  writing_ = true;
  asio::async_write(stream_, asio::buffer(inflight_),
                    [this, self = shared_from_this()](const asio::error_code& ec, size_t) {
                      writing_ = false;
                      inflight_.clear();
                      if (ec) {
                        close();
                        return;
                      }
                      write();
                    });
}

template <typename Stream>
void StreamConnectionImpl<Stream>::close() {
  if (closed_) return;
  closed_ = true;
  auto self = shared_from_this();
  asio::error_code ec;
  deadline_.cancel();
  lowest().shutdown(asio::socket_base::shutdown_both, ec);
  lowest().close(ec);
  // Later, not now: close() may run inside the TURN core (a send that overflowed), which must
  // not be re-entered.
  asio::post(stream_.get_executor(), [self, this] { sink_.on_stream_closed(tuple_, had_frames_); });
}

template class StreamConnectionImpl<asio::ip::tcp::socket>;
template class StreamConnectionImpl<TlsStream>;

}  // namespace avedge::net

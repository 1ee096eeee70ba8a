#include "net/stream_connection.hpp"

#include <cstring>

#include <spdlog/spdlog.h>

#include "wire/channel_data.hpp"

namespace avedge::net {

namespace {
constexpr size_t kInitialReadBuffer = 4096;
}

template <typename Stream>
StreamConnectionImpl<Stream>::StreamConnectionImpl(Stream stream, turn::ClientTuple tuple,
                                                   PacketSink& sink)
    : StreamConnection(tuple),
      stream_(std::move(stream)),
      sink_(sink),
      deadline_(stream_.get_executor()),
      in_(kInitialReadBuffer) {}

template <typename Stream>
void StreamConnectionImpl<Stream>::start() {
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    auto self = shared_from_this();
    deadline_.expires_after(kTlsHandshakeDeadline);
    deadline_.async_wait([self](const asio::error_code& ec) {
      if (!ec) self->close();  // handshake took too long
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
    if (!ec && !had_frames_) close();
  });
}

template <typename Stream>
void StreamConnectionImpl<Stream>::read() {
  if (closed_) return;
  if (in_len_ == in_.size()) {
    if (in_.size() >= kMaxFrame) {
      close();  // a frame larger than any STUN or ChannelData message
      return;
    }
    in_.resize(std::min(in_.size() * 2, kMaxFrame));
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
    if (f.status == wire::FrameStatus::NeedMore) break;
    if (f.status == wire::FrameStatus::Invalid || f.size > kMaxFrame || f.size == 0 ||
        f.size > rest.size()) {
      // Neither STUN nor ChannelData: the stream cannot be resynchronised (RFC 8656 §12.5).
      close();
      return;
    }
    if (!batch_started) {
      sink_.begin_batch();
      batch_started = true;
    }
    if (!had_frames_) {
      had_frames_ = true;
      deadline_.cancel();
    }
    sink_.on_client_packet(tuple_, rest.first(f.size));
    off += f.size;
  }
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
    close();
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

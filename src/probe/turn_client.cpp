#include "probe/turn_client.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "auth/credentials.hpp"
#include "core/crypto.hpp"
#include "wire/channel_data.hpp"

namespace avedge::probe {

namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  const auto d = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return d.count() < 0 ? 0 : static_cast<int>(d.count());
}

StunResult from_message(const stun::Message& m) {
  StunResult r;
  r.status =
      m.cls == stun::Class::Success ? StunResult::Status::Success : StunResult::Status::Error;
  for (const auto& a : m.attributes()) {
    switch (a.type) {
      case stun::attr::ErrorCode:
        if (auto e = stun::decode_error_code(a)) {
          r.code = e->code;
          r.reason = std::string(e->reason);
        }
        break;
      case stun::attr::XorMappedAddress:
        r.mapped = stun::decode_xor_address(a, m.tid);
        break;
      case stun::attr::XorRelayedAddress:
        r.relayed = stun::decode_xor_address(a, m.tid);
        break;
      case stun::attr::Lifetime:
        r.lifetime = stun::decode_u32(a);
        break;
      default:
        break;
    }
  }
  return r;
}

}  // namespace

const char* name(Proto p) {
  switch (p) {
    case Proto::Udp:
      return "udp";
    case Proto::Tcp:
      return "tcp";
    case Proto::Tls:
      return "tls";
  }
  return "?";
}

const char* upper_name(Proto p) {
  switch (p) {
    case Proto::Udp:
      return "UDP";
    case Proto::Tcp:
      return "TCP";
    case Proto::Tls:
      return "TLS";
  }
  return "?";
}

std::unique_ptr<TurnClient> TurnClient::open(Proto proto, const Endpoint& server,
                                             const TlsOptions& tls, int timeout_ms,
                                             std::string& error) {
  std::unique_ptr<TurnClient> c(new TurnClient());
  c->proto_ = proto;
  c->server_ = server;
  c->timeout_ms_ = timeout_ms;
  if (proto == Proto::Udp) {
    // The source address the kernel would pick toward the server (a connected scratch
    // socket), bound explicitly: the probe's socket stays unconnected, so a blocked path shows
    // as silence, as for a real client, not as an ICMP error.
    std::optional<IpAddress> source;
    sockaddr_storage ss{};
    const int scratch = open_socket(true, server, std::nullopt, timeout_ms, error);
    if (scratch < 0) return nullptr;
    const unsigned len = server.to_sockaddr(ss);
    socklen_t sl = sizeof ss;
    if (::connect(scratch, reinterpret_cast<sockaddr*>(&ss), len) == 0 &&      // NOLINT
        ::getsockname(scratch, reinterpret_cast<sockaddr*>(&ss), &sl) == 0) {  // NOLINT
      if (auto ep = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss))) source = ep->ip;
    }
    ::close(scratch);
    c->udp_fd_ = open_socket(true, server, source, timeout_ms, error);
    if (c->udp_fd_ < 0) return nullptr;
    sl = sizeof ss;
    if (::getsockname(c->udp_fd_, reinterpret_cast<sockaddr*>(&ss), &sl) == 0) {  // NOLINT
      if (auto ep = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss))) c->local_ = *ep;
    }
    return c;
  }
  c->stream_ = Stream::connect(server, std::nullopt, proto == Proto::Tls ? &tls : nullptr,
                               timeout_ms, error);
  if (!c->stream_) return nullptr;
  c->local_ = c->stream_->local();
  return c;
}

TurnClient::~TurnClient() {
  if (udp_fd_ >= 0) ::close(udp_fd_);
}

void TurnClient::set_credentials(std::string username, std::string password) {
  username_ = std::move(username);
  password_ = std::move(password);
}

bool TurnClient::send(std::span<const uint8_t> bytes) {
  if (proto_ != Proto::Udp) return stream_->write_all(bytes);
  sockaddr_storage ss{};
  const unsigned len = server_.to_sockaddr(ss);
  const auto n = ::sendto(udp_fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&ss),
                          len);  // NOLINT
  if (n < 0) last_error_ = std::strerror(errno);
  return n == static_cast<ssize_t>(bytes.size());
}

std::optional<std::vector<uint8_t>> TurnClient::receive(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::array<uint8_t, 65536> buf{};
  if (proto_ == Proto::Udp) {
    while (true) {
      if (wait_readable(udp_fd_, ms_left(deadline)) != 1) return std::nullopt;
      sockaddr_storage ss{};
      socklen_t sl = sizeof ss;
      const auto n = ::recvfrom(udp_fd_, buf.data(), buf.size(), 0,
                                reinterpret_cast<sockaddr*>(&ss), &sl);             // NOLINT
      const auto from = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss));  // NOLINT
      // Only the server's datagrams count (the socket is unconnected, anyone may send).
      if (n > 0 && from && *from == server_) {
        return std::vector<uint8_t>(buf.begin(), buf.begin() + n);
      }
    }
  }
  while (true) {
    // RFC 8656 §12.5 / RFC 8489 §6.2.2: STUN and padded ChannelData frames on the stream.
    const wire::Frame f = wire::next_frame(stream_buf_);
    if (f.status == wire::FrameStatus::Complete) {
      std::vector<uint8_t> out(stream_buf_.begin(),
                               stream_buf_.begin() + static_cast<std::ptrdiff_t>(f.size));
      stream_buf_.erase(stream_buf_.begin(),
                        stream_buf_.begin() + static_cast<std::ptrdiff_t>(f.size));
      return out;
    }
    if (f.status == wire::FrameStatus::Invalid) {
      last_error_ = "the server sent bytes that are neither STUN nor ChannelData";
      return std::nullopt;
    }
    const long n = stream_->read_some(buf, ms_left(deadline));
    if (n <= 0) {
      last_error_ = stream_->error();
      return std::nullopt;
    }
    stream_buf_.insert(stream_buf_.end(), buf.begin(), buf.begin() + n);
  }
}

StunResult TurnClient::transact(uint16_t method, bool auth,
                                const std::function<void(stun::Builder&)>& attrs) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    stun::TransactionId tid{};
    crypto::random_bytes(tid);
    std::array<uint8_t, 1500> buf{};
    stun::Builder b(buf, method, stun::Class::Request, tid);
    attrs(b);
    if (auth && !realm_.empty()) {
      const auto key = auth::make_long_term_key(username_, realm_, password_);
      b.add_string(stun::attr::Username, username_)
          .add_string(stun::attr::Realm, realm_)
          .add_string(stun::attr::Nonce, nonce_)
          .add_message_integrity(key.md5);
    }
    b.add_fingerprint();
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
    int rto = 500;  // RFC 8489 §6.2.1
    auto next_send = Clock::now();
    StunResult r;
    bool answered = false;
    last_error_.clear();
    while (!answered && ms_left(deadline) > 0) {
      if (Clock::now() >= next_send) {
        if (!send(b.bytes())) {
          r.status = StunResult::Status::TransportError;
          r.detail = last_error_.empty() ? std::string("send failed") : last_error_;
          return r;
        }
        next_send = proto_ == Proto::Udp ? Clock::now() + std::chrono::milliseconds(rto) : deadline;
        rto *= 2;
      }
      const int wait = std::min(ms_left(deadline), ms_left(next_send) + 1);
      auto msg = receive(wait);
      if (!msg) {
        if (proto_ != Proto::Udp && !last_error_.empty() && last_error_ != "timeout") {
          r.status = StunResult::Status::TransportError;
          r.detail = last_error_;
          return r;
        }
        continue;
      }
      stun::Message m;
      if (stun::parse(*msg, m) != stun::ParseError::None || m.tid != tid) continue;
      r = from_message(m);
      if (r.status == StunResult::Status::Error &&
          (r.code == stun::error::Unauthenticated || r.code == stun::error::StaleNonce)) {
        if (const auto* a = m.find(stun::attr::Realm))
          realm_ = std::string(stun::decode_string(*a));
        if (const auto* a = m.find(stun::attr::Nonce))
          nonce_ = std::string(stun::decode_string(*a));
      }
      answered = true;
    }
    if (!answered) {
      r.status = StunResult::Status::Timeout;
      return r;
    }
    // RFC 8489 §9.2.5: a stale nonce is retried once with the new nonce.
    if (!(auth && r.status == StunResult::Status::Error && r.code == stun::error::StaleNonce)) {
      return r;
    }
  }
  StunResult r;
  r.status = StunResult::Status::Error;
  r.code = stun::error::StaleNonce;
  r.reason = "stale nonce twice";
  return r;
}

StunResult TurnClient::binding() {
  return transact(stun::method::Binding, false, [](stun::Builder&) {});
}

StunResult TurnClient::allocate() {
  auto attrs = [](stun::Builder& b) { b.add_requested_transport(stun::kProtoUdp); };
  realm_.clear();
  challenge_ = transact(stun::method::Allocate, false, attrs);
  // RFC 8656 §7.1 / RFC 8489 §9.2.3: the first Allocate is answered with 401, REALM and NONCE.
  if (challenge_.status != StunResult::Status::Error ||
      challenge_.code != stun::error::Unauthenticated || realm_.empty()) {
    return challenge_;
  }
  return transact(stun::method::Allocate, true, attrs);
}

StunResult TurnClient::create_permission(const IpAddress& peer) {
  return transact(stun::method::CreatePermission, true, [&](stun::Builder& b) {
    b.add_xor_address(stun::attr::XorPeerAddress, Endpoint{peer, 0});
  });
}

StunResult TurnClient::channel_bind(uint16_t channel, const Endpoint& peer) {
  return transact(stun::method::ChannelBind, true, [&](stun::Builder& b) {
    b.add_channel_number(channel).add_xor_address(stun::attr::XorPeerAddress, peer);
  });
}

StunResult TurnClient::refresh(uint32_t lifetime) {
  return transact(stun::method::Refresh, true,
                  [&](stun::Builder& b) { b.add_u32(stun::attr::Lifetime, lifetime); });
}

bool TurnClient::send_indication(const Endpoint& peer, std::span<const uint8_t> data) {
  stun::TransactionId tid{};
  crypto::random_bytes(tid);
  std::array<uint8_t, 1500> buf{};
  stun::Builder b(buf, stun::method::Send, stun::Class::Indication, tid);
  b.add_xor_address(stun::attr::XorPeerAddress, peer).add(stun::attr::Data, data);
  return b.ok() && send(b.bytes());
}

bool TurnClient::send_channel_data(uint16_t channel, std::span<const uint8_t> data) {
  std::array<uint8_t, 1500> buf{};
  // RFC 8656 §12.5: padded to a multiple of 4 on streams.
  const size_t n = wire::encode_channel_data(buf, channel, data, proto_ != Proto::Udp);
  return n > 0 && send({buf.data(), n});
}

std::optional<Incoming> TurnClient::receive_data(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (ms_left(deadline) > 0) {
    auto msg = receive(ms_left(deadline));
    if (!msg || msg->empty()) return std::nullopt;
    Incoming in;
    if (wire::classify((*msg)[0]) == wire::Kind::ChannelData) {
      wire::ChannelData cd;
      if (!wire::parse_channel_data(*msg, cd)) continue;
      in.via_channel = true;
      in.channel = cd.channel;
      in.data.assign(cd.data.begin(), cd.data.end());
      return in;
    }
    stun::Message m;
    if (stun::parse(*msg, m) != stun::ParseError::None || m.method != stun::method::Data ||
        m.cls != stun::Class::Indication) {
      continue;
    }
    if (const auto* a = m.find(stun::attr::XorPeerAddress)) {
      in.peer = stun::decode_xor_address(*a, m.tid);
    }
    if (const auto* a = m.find(stun::attr::Data)) in.data.assign(a->value.begin(), a->value.end());
    return in;
  }
  return std::nullopt;
}

}  // namespace avedge::probe

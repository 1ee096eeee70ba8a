#include "bench/load_generator.hpp"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "auth/credentials.hpp"
#include "bench/latency_histogram.hpp"
#include "bench/turn_handshake.hpp"
#include "core/crypto.hpp"
#include "wire/byte_order.hpp"
#include "wire/channel_data.hpp"
#include "wire/stun_builder.hpp"
#include "wire/stun_constants.hpp"

namespace avedge::bench {

namespace {

constexpr uint64_t kNs = 1'000'000'000;
constexpr uint64_t kRetransmitNs = 500'000'000;  // RFC 8489 §6.2.1 RTO, fixed here
constexpr unsigned kRecvBatch = 64;
constexpr size_t kRecvSize = 2048;
constexpr uint32_t kStampMagic = 0x41564231;  // "AVB1"
constexpr size_t kStampSize = 24;             // seq u64, send time u64, session u32, magic u32
constexpr uint16_t kFirstChannel = 0x4000;    // RFC 8656 §12
constexpr int kBufferBytes = 8 << 20;
constexpr size_t kGsoBytes = 65000;           // one UDP_SEGMENT send stays under 64 KiB
constexpr int kConnectTimeoutMs = 3000;       // TCP connect and TLS handshake, per connection
constexpr unsigned kStreamReadsPerTurn = 16;  // reads of one connection before the next one's

uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * kNs + static_cast<uint64_t>(ts.tv_nsec);
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

void size_buffers(int fd, int bytes) {
  // FORCE variants need CAP_NET_ADMIN; the plain ones are capped by net.core.*mem_max.
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  }
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof bytes) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
  }
}

int open_udp(const Endpoint& bind_to, const Endpoint* connect_to) {
  sockaddr_storage sa{};
  const unsigned len = bind_to.to_sockaddr(sa);
  const int fd = socket(sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), len) != 0) {
    const int e = errno;
    close(fd);
    throw std::runtime_error("bind " + bind_to.to_string() + ": " + std::strerror(e));
  }
  if (connect_to != nullptr) {
    sockaddr_storage to{};
    const unsigned tlen = connect_to->to_sockaddr(to);
    if (connect(fd, reinterpret_cast<sockaddr*>(&to), tlen) != 0) {
      const int e = errno;
      close(fd);
      throw std::runtime_error("connect " + connect_to->to_string() + ": " + std::strerror(e));
    }
  }
  return fd;
}

// What a packet carries so the receiver can count it and time it.
struct Stamp {
  uint64_t seq = 0;
  uint64_t sent_ns = 0;
  uint32_t session = 0;
  uint32_t magic = kStampMagic;
};
static_assert(sizeof(Stamp) == kStampSize);

// A packet as iovecs: the shared prefix (ChannelData header or Send indication head), the
// per-packet stamp, the shared rest of the payload and the shared suffix (padding).
struct Template {
  std::vector<uint8_t> bytes;
  size_t payload_at = 0;
  size_t payload_len = 0;
};

struct Session {
  int fd = -1;
  TurnHandshake hs;
  uint64_t sent_ns = 0;        // last (re)transmission of the request in flight
  uint64_t first_sent_ns = 0;  // first transmission of that request
  uint64_t ready_ns = 0;
  sockaddr_storage relay_sa{};
  socklen_t relay_len = 0;
  Template to_peer;
  std::unique_ptr<probe::Stream> stream;  // TCP or TLS; `fd` is its socket
  std::vector<uint8_t> in;                // bytes of a frame not yet complete
};

class Generator {
 public:
  explicit Generator(const BenchOptions& o) : o_(o) {}
  ~Generator() {
    for (auto& s : sessions_) {
      if (s.fd >= 0 && !s.stream) close(s.fd);  // a stream closes its own
    }
    if (peer_fd_ >= 0) close(peer_fd_);
    if (epoll_fd_ >= 0) close(epoll_fd_);
  }
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  BenchResult run() {
    open_sockets();
    r_.mode = o_.mode;
    r_.allocations = o_.allocations;
    if (o_.raw) {
      r_.ready = o_.allocations;
      for (auto& s : sessions_) prepare(s);
      if (o_.mode == Mode::Throughput) traffic();
      return r_;
    }
    const uint64_t t0 = now_ns();
    drive([&](const Session& s) { return s.hs.state() == TurnHandshake::State::Idle; },
          [&](Session& s) { return s.hs.start(); });
    r_.setup_seconds = static_cast<double>(now_ns() - t0) / kNs;
    for (auto& s : sessions_) {
      if (s.hs.state() == TurnHandshake::State::Ready) {
        ++r_.ready;
        s.ready_ns = now_ns();
        prepare(s);
      } else {
        ++r_.failed;
        if (r_.first_error.empty()) r_.first_error = s.hs.error();
      }
    }
    if (o_.mode != Mode::Setup && r_.ready > 0) traffic();
    teardown();
    return r_;
  }

 private:
  void open_sockets() {
    raise_fd_limit();
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) throw std::runtime_error("epoll_create1 failed");
    peer_fd_ = open_udp(Endpoint{o_.peer_ip, o_.peer_port}, nullptr);
    size_buffers(peer_fd_, kBufferBytes);
    sockaddr_storage sa{};
    socklen_t len = sizeof sa;
    getsockname(peer_fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    peer_ = *Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&sa));
    watch(peer_fd_, kPeerTag);
    sessions_.reserve(o_.allocations);
    const auto expiry = static_cast<UnixSeconds>(std::time(nullptr)) + 24 * 3600;
    for (uint32_t i = 0; i < o_.allocations; ++i) {
      std::string user = o_.username;
      std::string pass = o_.password;
      if (!o_.rest_secret.empty()) {
        user = std::to_string(expiry) + ":bench" + std::to_string(i);
        pass = auth::CredentialStore::rest_password(o_.rest_secret, user);
      }
      const uint16_t channel = o_.channel_data ? static_cast<uint16_t>(kFirstChannel) : 0;
      sessions_.push_back(Session{-1, TurnHandshake(user, pass, peer_, channel)});
      Session& s = sessions_.back();
      if (o_.transport == Transport::Udp) {
        s.fd = open_udp(Endpoint{o_.client_ip, 0}, &o_.server);
        if (o_.both_directions) size_buffers(s.fd, 1 << 20);
      } else {
        open_stream(s, i);
      }
      watch(s.fd, i);
    }
  }

  // RFC 8656 §3.1: TURN over TCP, or TLS over TCP; one connection per allocation.
  void open_stream(Session& s, uint32_t index) const {
    std::string error;
    s.stream = probe::Stream::connect(o_.server, std::optional<IpAddress>(o_.client_ip),
                                      o_.transport == Transport::Tls ? &o_.tls : nullptr,
                                      kConnectTimeoutMs, error);
    if (!s.stream) {
      throw std::runtime_error(fmt::format("{} connection {} to {}: {}", to_string(o_.transport),
                                           index, o_.server.to_string(), error));
    }
    s.fd = s.stream->fd();
    // Writes block while the edge does not read (TCP's own backpressure), but not for ever: a
    // stalled edge fails the write after the same timeout (the TLS stream sets it already).
    const timeval limit{kConnectTimeoutMs / 1000, (kConnectTimeoutMs % 1000) * 1000};
    setsockopt(s.fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  }

  void watch(int fd, uint32_t tag) const {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = tag;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      throw std::runtime_error(std::string("epoll_ctl: ") + std::strerror(errno));
    }
  }

  void send_request(Session& s, std::span<const uint8_t> req, bool first) {
    if (req.empty()) return;
    const uint64_t now = now_ns();
    s.sent_ns = now;
    if (first) s.first_sent_ns = now;
    if (s.stream) {
      (void)s.stream->write_all(req);
      return;
    }
    (void)::send(s.fd, req.data(), req.size(), 0);
  }

  // Runs handshakes: `start` on every session `pending` selects, at most `window` in flight,
  // until none is pending or waiting. Retransmits after 0.5 s, gives up after the timeout.
  template <typename Pending, typename Start>
  void drive(Pending pending, Start start) {
    size_t next = 0;
    const auto timeout_ns = static_cast<uint64_t>(o_.timeout * kNs);
    for (;;) {
      unsigned in_flight = 0;
      for (const auto& s : sessions_) in_flight += s.hs.waiting() ? 1 : 0;
      while (in_flight < o_.window && next < sessions_.size()) {
        Session& s = sessions_[next++];
        if (!pending(s)) continue;
        send_request(s, start(s), true);
        ++in_flight;
      }
      if (in_flight == 0 && next >= sessions_.size()) return;
      pump(10'000'000);
      const uint64_t now = now_ns();
      for (auto& s : sessions_) {
        if (!s.hs.waiting() || now - s.sent_ns < kRetransmitNs) continue;
        if (now - s.first_sent_ns >= timeout_ns) {
          fail_session(s, now);
          continue;
        }
        send_request(s, s.hs.in_flight(), false);
      }
    }
  }

  static void fail_session(Session& s, uint64_t now) {
    const double waited = static_cast<double>(now - s.first_sent_ns) / kNs;
    s.hs.give_up(fmt::format("no answer to {} in {:.1f} s", to_string(s.hs.state()), waited));
  }

  // Waits up to timeout for readable sockets and handles every datagram on them.
  void pump(uint64_t timeout) {
    std::array<epoll_event, 64> events{};
    timespec ts{static_cast<time_t>(timeout / kNs), static_cast<long>(timeout % kNs)};
    const int n = epoll_pwait2(epoll_fd_, events.data(), events.size(), &ts, nullptr);
    for (int i = 0; i < n; ++i) {
      const uint32_t tag = events[static_cast<size_t>(i)].data.u32;
      if (tag == kPeerTag) {
        drain(peer_fd_, [&](std::span<const uint8_t> b, const sockaddr_storage&) { count(b); });
      } else {
        Session& s = sessions_[tag];
        if (s.stream) {
          read_stream(s);
        } else {
          drain(s.fd,
                [&](std::span<const uint8_t> b, const sockaddr_storage&) { on_client(s, b); });
        }
      }
    }
  }

  template <typename Handle>
  void drain(int fd, Handle handle) {
    for (;;) {
      for (unsigned i = 0; i < kRecvBatch; ++i) {
        rx_iov_[i] = iovec{rx_buf_[i].data(), kRecvSize};
        rx_msg_[i] = mmsghdr{};
        rx_msg_[i].msg_hdr.msg_iov = &rx_iov_[i];
        rx_msg_[i].msg_hdr.msg_iovlen = 1;
        rx_msg_[i].msg_hdr.msg_name = &rx_from_[i];
        rx_msg_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      }
      const int n = recvmmsg(fd, rx_msg_.data(), kRecvBatch, MSG_DONTWAIT, nullptr);
      if (n <= 0) return;
      for (int i = 0; i < n; ++i) {
        const auto k = static_cast<size_t>(i);
        handle(std::span<const uint8_t>(rx_buf_[k].data(), rx_msg_[k].msg_len), rx_from_[k]);
      }
      if (static_cast<unsigned>(n) < kRecvBatch) return;
    }
  }

  // What a connection has: whole frames go to on_client (RFC 8656 §12.5: STUN messages and
  // ChannelData padded to 4 bytes), a partial one waits in s.in. A closed connection (or
  // bytes that are no frame) ends the session's handshake and leaves the epoll set.
  void read_stream(Session& s) {
    for (unsigned reads = 0; reads < kStreamReadsPerTurn; ++reads) {
      const long n = s.stream->read_some(rx_buf_[0], 0);
      if (n < 0) return;  // nothing more now
      if (n == 0) {
        close_stream(s, "connection closed by the server");
        return;
      }
      s.in.insert(s.in.end(), rx_buf_[0].begin(), rx_buf_[0].begin() + n);
      size_t used = 0;
      for (;;) {
        const auto rest = std::span<const uint8_t>(s.in).subspan(used);
        const wire::Frame f = wire::next_frame(rest);
        if (f.status == wire::FrameStatus::NeedMore) break;
        if (f.status == wire::FrameStatus::Invalid) {
          close_stream(s, "the server sent bytes that are no STUN or ChannelData frame");
          return;
        }
        on_client(s, rest.first(f.size));
        used += f.size;
      }
      s.in.erase(s.in.begin(), s.in.begin() + static_cast<std::ptrdiff_t>(used));
    }
  }

  void close_stream(Session& s, const char* why) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, s.fd, nullptr);
    s.in.clear();
    if (s.hs.waiting()) s.hs.give_up(why);
  }

  void on_client(Session& s, std::span<const uint8_t> b) {
    if (b.empty()) return;
    if (o_.raw) {
      count(b);
      return;
    }
    if (wire::classify(b[0]) == wire::Kind::ChannelData) {
      wire::ChannelData cd;
      if (wire::parse_channel_data(b, cd)) count(cd.data);
      return;
    }
    stun::Message m;
    if (stun::parse(b, m) != stun::ParseError::None) return;
    if (m.cls == stun::Class::Indication && m.method == stun::method::Data) {
      if (const auto* d = m.find(stun::attr::Data)) count(d->value);
      return;
    }
    send_request(s, s.hs.on_message(b), true);
  }

  void count(std::span<const uint8_t> payload) {
    if (payload.size() < kStampSize) return;
    Stamp st;
    std::memcpy(&st, payload.data(), kStampSize);
    if (st.magic != kStampMagic) return;
    ++r_.received;
    const uint64_t now = now_ns();
    if (now > st.sent_ns) latency_.add(now - st.sent_ns);
  }

  // Without TURN, the forwarder's address for session s: `server`, or its own relay port.
  [[nodiscard]] Endpoint raw_relay(const Session& s) const {
    if (o_.raw_relay_base == 0) return o_.server;
    const auto index = static_cast<size_t>(&s - sessions_.data());
    return Endpoint{o_.server.ip, static_cast<uint16_t>(o_.raw_relay_base + index)};
  }

  // The packet templates of a ready session, and its relay address for the peer's sends.
  void prepare(Session& s) {
    s.relay_len = (o_.raw ? raw_relay(s) : s.hs.relay()).to_sockaddr(s.relay_sa);
    std::vector<uint8_t> payload(o_.payload, 0);
    Template& t = s.to_peer;
    if (o_.raw) {
      t.bytes = payload;
      t.payload_at = 0;
    } else if (o_.channel_data) {
      // RFC 8656 §12.5: over TCP and TLS padded to a multiple of 4; over UDP not.
      const bool pad = o_.transport != Transport::Udp;
      t.bytes.resize(4 + (pad ? wire::pad4(payload.size()) : payload.size()));
      wire::encode_channel_data(t.bytes, kFirstChannel, payload, pad);
      t.payload_at = 4;
    } else {
      t.bytes.resize(64 + payload.size() + 4);
      stun::TransactionId tid{};
      crypto::random_bytes(tid);
      stun::Builder b(t.bytes, stun::method::Send, stun::Class::Indication, tid);
      b.add_xor_address(stun::attr::XorPeerAddress, peer_);
      b.add(stun::attr::Data, payload);  // last: the payload ends the message but for padding
      t.bytes.resize(b.size());
      t.payload_at = b.size() - wire::pad4(payload.size());
    }
    t.payload_len = payload.size();
  }

  // Sends `n` packets of session s toward the peer (through the relay), or from the peer to s's
  // relay address (toward the client). With UDP GSO (UDP_SEGMENT, Linux 4.18) the n packets go
  // down the stack as one buffer and are split into n datagrams only where they arrive, so the
  // generator spends far less per packet than the server it measures, which still receives n
  // ordinary datagrams. Without GSO: one sendmmsg.
  uint64_t send_batch(Session& s, uint32_t index, unsigned n, bool from_peer) {
    const Template& t = s.to_peer;
    const size_t head = from_peer ? 0 : t.payload_at;
    const size_t end = t.payload_at + t.payload_len;
    const size_t tail = from_peer ? 0 : t.bytes.size() - end;
    const size_t size = head + t.payload_len + tail;
    // At most 64 segments (UDP_MAX_SEGMENTS of older kernels) and 64 KiB per GSO send.
    n = std::min(
        {n, kSendBatchMax, gso_ ? static_cast<unsigned>(kGsoBytes / size) : kSendBatchMax});
    if (n == 0) n = 1;
    const uint64_t now = now_ns();
    for (unsigned i = 0; i < n; ++i) {
      Stamp st{seq_++, now, index, kStampMagic};
      uint8_t* p = tx_buf_.data() + static_cast<size_t>(i) * size;
      std::memcpy(p, t.bytes.data(), head);
      std::memcpy(p + head, &st, kStampSize);
      std::memset(p + head + kStampSize, 0, t.payload_len - kStampSize);
      std::memcpy(p + head + t.payload_len, t.bytes.data() + end, tail);
    }
    if (!from_peer && s.stream) {  // one write of the n frames, back to back
      if (s.stream->write_all({tx_buf_.data(), n * size})) return n;
      seq_ -= n;
      return 0;
    }
    const int fd = from_peer ? peer_fd_ : s.fd;
    const auto* to = from_peer ? &s.relay_sa : nullptr;
    const socklen_t to_len = from_peer ? s.relay_len : 0;
    const int sent =
        gso_ && n > 1 ? send_gso(fd, to, to_len, n, size) : send_mmsg(fd, to, to_len, n, size);
    if (sent <= 0) {
      seq_ -= n;
      return 0;
    }
    seq_ -= n - static_cast<unsigned>(sent);
    return static_cast<uint64_t>(sent);
  }

  int send_gso(int fd, const sockaddr_storage* to, socklen_t to_len, unsigned n, size_t size) {
    iovec v{tx_buf_.data(), n * size};
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(uint16_t))> control{};
    msghdr m{};
    m.msg_name = const_cast<sockaddr_storage*>(to);
    m.msg_namelen = to_len;
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = control.data();
    m.msg_controllen = control.size();
    cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_UDP;
    c->cmsg_type = UDP_SEGMENT;
    c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    const auto seg = static_cast<uint16_t>(size);
    std::memcpy(CMSG_DATA(c), &seg, sizeof seg);
    if (sendmsg(fd, &m, 0) >= 0) return static_cast<int>(n);
    if (errno == EINVAL || errno == EIO || errno == ENOPROTOOPT || errno == EOPNOTSUPP) {
      gso_ = false;  // a kernel or route without UDP GSO: sendmmsg from now on
      return send_mmsg(fd, to, to_len, n, size);
    }
    return -1;
  }

  int send_mmsg(int fd, const sockaddr_storage* to, socklen_t to_len, unsigned n, size_t size) {
    for (unsigned i = 0; i < n; ++i) {
      tx_iov_[i] = iovec{tx_buf_.data() + static_cast<size_t>(i) * size, size};
      tx_msg_[i] = mmsghdr{};
      tx_msg_[i].msg_hdr.msg_iov = &tx_iov_[i];
      tx_msg_[i].msg_hdr.msg_iovlen = 1;
      tx_msg_[i].msg_hdr.msg_name = const_cast<sockaddr_storage*>(to);
      tx_msg_[i].msg_hdr.msg_namelen = to_len;
    }
    return sendmmsg(fd, tx_msg_.data(), n, 0);
  }

  void traffic() {
    gso_ = o_.gso;
    size_t largest = 0;
    for (const auto& s : sessions_) largest = std::max(largest, s.to_peer.bytes.size());
    tx_buf_.assign(largest * kSendBatchMax, 0);
    std::vector<uint32_t> live;
    for (uint32_t i = 0; i < sessions_.size(); ++i) {
      if (o_.raw || sessions_[i].hs.state() == TurnHandshake::State::Ready) live.push_back(i);
    }
    const double cpu0 = cpu_seconds();
    const uint64_t t0 = now_ns();
    const auto duration_ns = static_cast<uint64_t>(o_.duration * kNs);
    const bool send_data = o_.mode == Mode::Throughput;
    uint64_t sent_up = 0;
    uint64_t sent_down = 0;
    size_t rr_up = 0;
    size_t rr_down = 0;
    uint64_t next_refresh_check = t0 + kNs;
    for (uint64_t now = t0; now - t0 < duration_ns; now = now_ns()) {
      uint64_t wait = 1'000'000;  // 1 ms at most between looks at the clock
      if (send_data) {
        const uint64_t elapsed = now - t0;
        const auto target = [&](uint64_t already) -> uint64_t {
          if (o_.rate == 0) return already + o_.batch;
          const auto due = static_cast<uint64_t>(static_cast<double>(o_.rate) *
                                                 static_cast<double>(elapsed) / kNs);
          return due > already ? std::min<uint64_t>(due, already + 4ULL * o_.batch) : already;
        };
        for (uint64_t goal = target(sent_up); sent_up < goal;) {
          const uint32_t i = live[rr_up++ % live.size()];
          const uint64_t n = send_batch(
              sessions_[i], i, static_cast<unsigned>(std::min<uint64_t>(goal - sent_up, o_.batch)),
              false);
          if (n == 0) break;
          sent_up += n;
        }
        if (o_.both_directions) {
          for (uint64_t goal = target(sent_down); sent_down < goal;) {
            const uint32_t i = live[rr_down++ % live.size()];
            const uint64_t n = send_batch(
                sessions_[i], i,
                static_cast<unsigned>(std::min<uint64_t>(goal - sent_down, o_.batch)), true);
            if (n == 0) break;
            sent_down += n;
          }
        }
        if (o_.rate == 0 || o_.spin) {
          wait = 0;
        } else {
          const uint64_t next_due = (sent_up + 1) * kNs / o_.rate;
          wait = next_due > elapsed ? std::min<uint64_t>(next_due - elapsed, wait) : 0;
        }
      }
      pump(wait);
      if (now >= next_refresh_check) {
        next_refresh_check = now + kNs;
        refresh_due(now);
      }
    }
    r_.traffic_seconds = static_cast<double>(now_ns() - t0) / kNs;
    r_.generator_cpu = (cpu_seconds() - cpu0) / r_.traffic_seconds;
    r_.sent = sent_up + sent_down;
    // What is still in flight arrives within a few milliseconds on one host.
    const uint64_t drain_until = now_ns() + 300'000'000;
    while (now_ns() < drain_until && r_.received < r_.sent) pump(10'000'000);
    r_.p50_ns = latency_.quantile(0.50);
    r_.p99_ns = latency_.quantile(0.99);
    r_.p999_ns = latency_.quantile(0.999);
    r_.max_ns = latency_.max();
  }

  // RFC 8656 §7: refresh before the lifetime ends (at half of it).
  void refresh_due(uint64_t now) {
    for (auto& s : sessions_) {
      if (s.hs.state() != TurnHandshake::State::Ready) continue;
      const uint64_t half = static_cast<uint64_t>(s.hs.lifetime()) * kNs / 2;
      if (now - s.ready_ns < half) continue;
      s.ready_ns = now;
      send_request(s, s.hs.refresh(s.hs.lifetime()), true);
    }
  }

  // RFC 8656 §7.2: Refresh with LIFETIME 0 deletes the allocation; the server is left clean.
  void teardown() {
    drive(
        [&](const Session& s) {
          return s.hs.state() == TurnHandshake::State::Ready ||
                 s.hs.state() == TurnHandshake::State::WaitRefresh;
        },
        [&](Session& s) { return s.hs.refresh(0); });
    for (const auto& s : sessions_) {
      if (s.hs.state() == TurnHandshake::State::Closed) ++r_.deallocated;
    }
  }

  static constexpr uint32_t kPeerTag = 0xFFFFFFFF;
  static constexpr unsigned kSendBatchMax = 64;

  const BenchOptions& o_;
  BenchResult r_;
  int epoll_fd_ = -1;
  int peer_fd_ = -1;
  Endpoint peer_;
  std::vector<Session> sessions_;
  LatencyHistogram latency_;
  uint64_t seq_ = 0;
  bool gso_ = true;
  std::array<std::array<uint8_t, kRecvSize>, kRecvBatch> rx_buf_{};
  std::array<iovec, kRecvBatch> rx_iov_{};
  std::array<mmsghdr, kRecvBatch> rx_msg_{};
  std::array<sockaddr_storage, kRecvBatch> rx_from_{};
  std::vector<uint8_t> tx_buf_;
  std::array<iovec, kSendBatchMax> tx_iov_{};
  std::array<mmsghdr, kSendBatchMax> tx_msg_{};
};

}  // namespace

const char* to_string(Mode m) {
  switch (m) {
    case Mode::Throughput:
      return "throughput";
    case Mode::Setup:
      return "setup";
    case Mode::Hold:
      return "hold";
  }
  return "?";
}

BenchResult run_bench(const BenchOptions& o) {
  if (o.raw && o.transport != Transport::Udp) {
    throw std::runtime_error("--raw sends UDP only (the forwarders have no TCP or TLS)");
  }
  if (o.payload < kStampSize) {
    throw std::runtime_error("payload must be at least " + std::to_string(kStampSize) + " bytes");
  }
  auto g = std::make_unique<Generator>(o);  // large buffers: not on the stack
  return g->run();
}

}  // namespace avedge::bench

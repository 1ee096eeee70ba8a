// The bare UDP forwarder of the benchmark (issue 7): the ceiling for any userspace relay on this
// kernel. One socket, recvmmsg/sendmmsg batches, no protocol: a datagram from a client goes to
// the peer unchanged; a datagram from the peer goes to the client whose session index its
// `avedge bench` stamp carries (bytes 16-19), learned from that client's own packets.
//
//   udp_forwarder LISTEN_IP:PORT PEER_IP:PORT [blocking|epoll|spin|multishot]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef AVEDGE_HAVE_URING
#include <liburing.h>
#include <sys/mman.h>
#endif

#include <array>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr unsigned kBatch = 64;
constexpr size_t kSize = 2048;
constexpr size_t kIndexAt = 16;  // session index in the bench stamp
volatile std::sig_atomic_t g_stop = 0;

bool parse(const char* text, sockaddr_in& out) {
  const std::string s(text);
  const size_t colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  out = sockaddr_in{};
  out.sin_family = AF_INET;
  out.sin_port = htons(static_cast<uint16_t>(std::stoi(s.substr(colon + 1))));
  return inet_pton(AF_INET, s.substr(0, colon).c_str(), &out.sin_addr) == 1;
}

bool same(const sockaddr_in& a, const sockaddr_in& b) {
  return a.sin_port == b.sin_port && a.sin_addr.s_addr == b.sin_addr.s_addr;
}

// Where a datagram goes: from a client to the peer (the client is remembered under its session
// index), from the peer to the client of that index. False: dropped.
class Router {
 public:
  explicit Router(sockaddr_in peer) : peer_(peer) {}
  bool route(const uint8_t* data, size_t len, const sockaddr_in& from, sockaddr_in& to) {
    if (len < kIndexAt + 4) return false;
    uint32_t index = 0;
    std::memcpy(&index, data + kIndexAt, 4);
    if (same(from, peer_)) {
      if (index >= clients_.size() || clients_[index].sin_port == 0) return false;
      to = clients_[index];
      return true;
    }
    if (index < 1'000'000) {
      if (index >= clients_.size()) clients_.resize(index + 1);
      clients_[index] = from;
    }
    to = peer_;
    return true;
  }

 private:
  sockaddr_in peer_;
  std::vector<sockaddr_in> clients_;  // by session index
};

struct Outgoing {
  std::array<mmsghdr, kBatch> msgs{};
  std::array<iovec, kBatch> iov{};
  std::array<sockaddr_in, kBatch> to{};
  unsigned count = 0;
  void add(void* data, size_t len) {
    iov[count] = iovec{data, len};
    msgs[count] = mmsghdr{};
    msgs[count].msg_hdr.msg_iov = &iov[count];
    msgs[count].msg_hdr.msg_iovlen = 1;
    msgs[count].msg_hdr.msg_name = &to[count];
    msgs[count].msg_hdr.msg_namelen = sizeof(sockaddr_in);
    ++count;
  }
  uint64_t send(int fd) {
    const int sent = count > 0 ? sendmmsg(fd, msgs.data(), count, 0) : 0;
    count = 0;
    return sent > 0 ? static_cast<uint64_t>(sent) : 0;
  }
};

// blocking, epoll and spin: recvmmsg into fixed buffers. spin never sleeps (recvmmsg without
// waiting, over and over): the latency of a relay that never pays a wake-up from idle.
uint64_t run_recvmmsg(int fd, Router& router, bool with_epoll, bool spin = false) {
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  if (with_epoll && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
    std::perror("epoll_ctl");
    return 0;
  }
  static std::array<std::array<uint8_t, kSize>, kBatch> bufs{};
  std::array<iovec, kBatch> iov{};
  std::array<mmsghdr, kBatch> in{};
  std::array<sockaddr_in, kBatch> from{};
  Outgoing out;
  uint64_t forwarded = 0;
  while (g_stop == 0) {
    for (unsigned i = 0; i < kBatch; ++i) {
      iov[i] = iovec{bufs[i].data(), kSize};
      in[i] = mmsghdr{};
      in[i].msg_hdr.msg_iov = &iov[i];
      in[i].msg_hdr.msg_iovlen = 1;
      in[i].msg_hdr.msg_name = &from[i];
      in[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
    }
    if (with_epoll && epoll_wait(ep, &ev, 1, 200) <= 0) continue;  // 200 ms: notice SIGTERM
    const int n = recvmmsg(fd, in.data(), kBatch,
                           with_epoll || spin ? MSG_DONTWAIT : MSG_WAITFORONE, nullptr);
    for (int j = 0; j < n; ++j) {
      const auto i = static_cast<unsigned>(j);
      if (router.route(bufs[i].data(), in[i].msg_len, from[i], out.to[out.count])) {
        out.add(bufs[i].data(), in[i].msg_len);
      }
    }
    forwarded += out.send(fd);
  }
  close(ep);
  return forwarded;
}

#ifdef AVEDGE_HAVE_URING
// multishot: io_uring RECVMSG, multishot, buffers from a provided-buffer ring (Linux 6.0).
uint64_t run_multishot(int fd, Router& router) {
  constexpr unsigned kBufs = 256;
  io_uring ring{};
  if (io_uring_queue_init(64, &ring, 0) != 0) {
    std::fprintf(stderr, "udp_forwarder: no io_uring\n");
    return 0;
  }
  static std::vector<uint8_t> pool(kBufs * kSize);
  void* mem = mmap(nullptr, kBufs * sizeof(io_uring_buf), PROT_READ | PROT_WRITE,
                   MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  auto* br = static_cast<io_uring_buf_ring*>(mem);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uint64_t>(mem);
  reg.ring_entries = kBufs;
  reg.bgid = 0;
  if (mem == MAP_FAILED || io_uring_register_buf_ring(&ring, &reg, 0) != 0) {
    std::fprintf(stderr, "udp_forwarder: no provided-buffer ring (Linux 5.19)\n");
    return 0;
  }
  io_uring_buf_ring_init(br);
  const int mask = io_uring_buf_ring_mask(kBufs);
  for (unsigned i = 0; i < kBufs; ++i) {
    io_uring_buf_ring_add(br, pool.data() + i * kSize, kSize, static_cast<unsigned short>(i), mask,
                          static_cast<int>(i));
  }
  io_uring_buf_ring_advance(br, kBufs);
  msghdr shape{};  // what each buffer holds: io_uring_recvmsg_out, the address, the payload
  shape.msg_namelen = sizeof(sockaddr_in);
  const auto arm = [&] {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring);
    io_uring_prep_recvmsg_multishot(sqe, fd, &shape, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = 0;
  };
  arm();
  Outgoing out;
  std::array<unsigned short, kBatch> taken{};
  uint64_t forwarded = 0;
  __kernel_timespec tick{0, 200'000'000};  // notice SIGTERM
  while (g_stop == 0) {
    io_uring_cqe* first = nullptr;
    if (io_uring_submit_and_wait_timeout(&ring, &first, 1, &tick, nullptr) < 0) continue;
    unsigned head = 0;
    unsigned seen = 0;
    unsigned ntaken = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(&ring, head, cqe) {
      if (ntaken == kBatch) break;  // the rest next time round
      ++seen;
      if ((cqe->flags & IORING_CQE_F_MORE) == 0) arm();  // ended (e.g. out of buffers)
      if (cqe->res < 0 || (cqe->flags & IORING_CQE_F_BUFFER) == 0) continue;
      const auto bid = static_cast<unsigned short>(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
      taken[ntaken++] = bid;
      uint8_t* buf = pool.data() + size_t{bid} * kSize;
      io_uring_recvmsg_out* o = io_uring_recvmsg_validate(buf, cqe->res, &shape);
      if (o == nullptr || o->namelen < sizeof(sockaddr_in)) continue;
      sockaddr_in from{};
      std::memcpy(&from, io_uring_recvmsg_name(o), sizeof from);
      auto* data = static_cast<uint8_t*>(io_uring_recvmsg_payload(o, &shape));
      const size_t len = io_uring_recvmsg_payload_length(o, cqe->res, &shape);
      if (router.route(data, len, from, out.to[out.count])) out.add(data, len);
    }
    io_uring_cq_advance(&ring, seen);
    forwarded += out.send(fd);  // sendmmsg copies: the buffers can go back at once
    for (unsigned i = 0; i < ntaken; ++i) {
      io_uring_buf_ring_add(br, pool.data() + size_t{taken[i]} * kSize, kSize, taken[i], mask,
                            static_cast<int>(i));
    }
    io_uring_buf_ring_advance(br, static_cast<int>(ntaken));
  }
  io_uring_queue_exit(&ring);
  return forwarded;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  sockaddr_in listen_at{};
  sockaddr_in peer{};
  if ((argc != 3 && argc != 4) || !parse(argv[1], listen_at) || !parse(argv[2], peer)) {
    std::fprintf(
        stderr,
        "usage: udp_forwarder LISTEN_IP:PORT PEER_IP:PORT [blocking|epoll|spin|multishot]\n");
    return 2;
  }
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  std::signal(SIGINT, [](int) { g_stop = 1; });
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  const int buf = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof buf);
  if (bind(fd, reinterpret_cast<sockaddr*>(&listen_at), sizeof listen_at) != 0) {
    std::perror("bind");
    return 1;
  }
  const std::string mode = argc == 4 ? argv[3] : "blocking";
  timeval tv{0, 200'000};  // blocking: wake up to notice SIGTERM
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::printf("udp_forwarder: ready (%s)\n", mode.c_str());
  std::fflush(stdout);

  Router router(peer);
  uint64_t forwarded = 0;
  if (mode == "blocking" || mode == "epoll") {
    forwarded = run_recvmmsg(fd, router, mode == "epoll");
  } else if (mode == "spin") {
    forwarded = run_recvmmsg(fd, router, false, true);
#ifdef AVEDGE_HAVE_URING
  } else if (mode == "multishot") {
    forwarded = run_multishot(fd, router);
#endif
  } else {
    std::fprintf(stderr, "udp_forwarder: unknown or unavailable mode %s\n", mode.c_str());
    return 2;
  }
  std::printf("udp_forwarder: forwarded %llu\n", static_cast<unsigned long long>(forwarded));
  close(fd);
  return 0;
}

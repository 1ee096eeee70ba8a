// The bare forwarder with TURN's socket shape (issue 7). RFC 8656 §7.2 gives every allocation its
// own relayed transport address, so a TURN relay sends toward peers through one socket per
// allocation and receives the peers' datagrams on each of them. bench/udp_forwarder relays
// through a single socket both ways; this one does no protocol work either, but keeps that
// shape: session i (the index in the `avedge bench` stamp) has relay socket RELAY_BASE_PORT + i.
// It batches the way avedge does, with nothing else: one epoll set, recvmmsg per ready socket,
// the sends of a turn at its end (toward clients one sendmmsg on the listening socket, toward
// peers one io_uring submission). What it reaches is what the kernel allows a TURN relay.
//
// With BUDGET_US > 0 it also takes several datagrams per wake-up the simplest way, as avedge's
// latency budget does (decision 0007): after a turn that relayed less than a batch it sleeps
// BUDGET_US and takes the next turn without blocking; a turn that finds nothing blocks until
// the next datagram. Its CPU per packet at a low rate is then what the kernel asks of any TURN
// relay that waits that long: the floor for avedge's budget rows.
//
//   fanout_forwarder LISTEN_IP:PORT PEER_IP:PORT SESSIONS RELAY_BASE_PORT [BUDGET_US]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "net/uring_sender.hpp"

namespace {

constexpr unsigned kBatch = 64;          // datagrams per recvmmsg
constexpr unsigned kSlots = 8 * kBatch;  // datagrams held for the sends at the end of a turn
constexpr size_t kSize = 2048;
constexpr size_t kIndexAt = 16;        // session index in the bench stamp
constexpr int kBufferBytes = 4 << 20;  // avedge's kSocketBufferBytes
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

int open_bound(sockaddr_in at) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kBufferBytes, sizeof kBufferBytes);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kBufferBytes, sizeof kBufferBytes);
  if (bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// The datagrams of one turn: received into slots, sent from them when the turn ends.
class Turn {
 public:
  Turn(int listen_fd, sockaddr_in peer, std::vector<int> relay_fds)
      : listen_fd_(listen_fd),
        peer_(peer),
        relay_fds_(std::move(relay_fds)),
        clients_(relay_fds_.size()),
        uring_(avedge::net::UringSender::create(kSlots)) {}

  [[nodiscard]] bool has_room() const { return used_ + kBatch <= kSlots; }

  // One recvmmsg on `fd` (the listening socket, or relay socket `relay`; -1 for the listener).
  void receive(int fd, int relay) {
    const unsigned first = used_;
    for (unsigned i = 0; i < kBatch; ++i) {
      const unsigned s = first + i;
      iov_[s] = iovec{bufs_[s].data(), kSize};
      in_[i] = mmsghdr{};
      in_[i].msg_hdr.msg_iov = &iov_[s];
      in_[i].msg_hdr.msg_iovlen = 1;
      in_[i].msg_hdr.msg_name = &addr_[s];
      in_[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
    }
    const int n = recvmmsg(fd, in_.data(), kBatch, MSG_DONTWAIT, nullptr);
    for (int j = 0; j < n; ++j) {
      const unsigned s = first + static_cast<unsigned>(j);
      const size_t len = in_[static_cast<unsigned>(j)].msg_len;
      iov_[s].iov_len = len;
      if (relay >= 0) {  // from the peer, toward the client of this relay socket
        const auto& client = clients_[static_cast<size_t>(relay)];
        if (client.sin_port == 0) continue;
        addr_[s] = client;
        queue(s, listen_fd_, to_clients_);
        continue;
      }
      if (len < kIndexAt + 4) continue;
      uint32_t index = 0;
      std::memcpy(&index, bufs_[s].data() + kIndexAt, 4);
      if (index >= relay_fds_.size()) continue;
      clients_[index] = addr_[s];
      addr_[s] = peer_;
      queue(s, relay_fds_[index], to_peers_);
    }
  }

  // The end of a turn: every datagram it received goes out.
  void flush() {
    if (!to_clients_.msgs.empty()) {
      std::vector<mmsghdr>& v = to_clients_.mm;
      v.clear();
      for (msghdr* m : to_clients_.msgs) v.push_back(mmsghdr{*m, 0});
      for (size_t done = 0; done < v.size();) {
        const int sent =
            sendmmsg(listen_fd_, v.data() + done, static_cast<unsigned>(v.size() - done), 0);
        if (sent <= 0) break;
        done += static_cast<size_t>(sent);
      }
    }
    if (!to_peers_.msgs.empty()) {
      size_t done = 0;
      if (uring_) {
        const auto r =
            uring_->send(to_peers_.fds.data(), to_peers_.msgs.data(), to_peers_.msgs.size());
        done = r.submitted;
        if (r.broken) uring_.reset();
      }
      for (; done < to_peers_.msgs.size(); ++done)
        sendmsg(to_peers_.fds[done], to_peers_.msgs[done], 0);
    }
    forwarded_ += to_clients_.msgs.size() + to_peers_.msgs.size();
    to_clients_.clear();
    to_peers_.clear();
    used_ = 0;
  }

  [[nodiscard]] uint64_t forwarded() const { return forwarded_; }
  [[nodiscard]] bool uses_uring() const { return uring_ != nullptr; }

 private:
  struct Outgoing {
    std::vector<int> fds;
    std::vector<msghdr*> msgs;
    std::vector<mmsghdr> mm;
    void clear() {
      fds.clear();
      msgs.clear();
    }
  };

  void queue(unsigned slot, int fd, Outgoing& out) {
    msghdr& m = hdr_[slot];
    m = msghdr{};
    m.msg_name = &addr_[slot];
    m.msg_namelen = sizeof(sockaddr_in);
    m.msg_iov = &iov_[slot];
    m.msg_iovlen = 1;
    out.fds.push_back(fd);
    out.msgs.push_back(&m);
    used_ = slot + 1;
  }

  int listen_fd_;
  sockaddr_in peer_;
  std::vector<int> relay_fds_;
  std::vector<sockaddr_in> clients_;  // by session index, learned from the clients' datagrams
  std::unique_ptr<avedge::net::UringSender> uring_;
  std::vector<std::array<uint8_t, kSize>> bufs_ = std::vector<std::array<uint8_t, kSize>>(kSlots);
  std::array<iovec, kSlots> iov_{};
  std::array<sockaddr_in, kSlots> addr_{};
  std::array<msghdr, kSlots> hdr_{};
  std::array<mmsghdr, kBatch> in_{};
  Outgoing to_clients_;
  Outgoing to_peers_;
  unsigned used_ = 0;
  uint64_t forwarded_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  sockaddr_in listen_at{};
  sockaddr_in peer{};
  if ((argc != 5 && argc != 6) || !parse(argv[1], listen_at) || !parse(argv[2], peer)) {
    std::fprintf(stderr,
                 "usage: fanout_forwarder LISTEN_IP:PORT PEER_IP:PORT SESSIONS RELAY_BASE_PORT "
                 "[BUDGET_US]\n");
    return 2;
  }
  const int sessions = std::stoi(argv[3]);
  const int base = std::stoi(argv[4]);
  const long budget_us = argc == 6 ? std::stol(argv[5]) : 0;
  if (sessions <= 0 || base <= 0 || base + sessions > 65536 || budget_us < 0 ||
      budget_us > 1000000) {
    std::fprintf(stderr, "fanout_forwarder: SESSIONS, RELAY_BASE_PORT or BUDGET_US out of range\n");
    return 2;
  }
  const timespec budget{budget_us / 1000000, (budget_us % 1000000) * 1000};  // tv_nsec < 1 s
  // Wake up on time, as avedge's worker does: the default timer slack (50 µs) would stretch
  // every sleep.
  if (budget_us > 0) prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  std::signal(SIGINT, [](int) { g_stop = 1; });
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  const int listen_fd = open_bound(listen_at);
  if (ep < 0 || listen_fd < 0) {
    std::perror("fanout_forwarder: listening socket");
    return 1;
  }
  // epoll data: -1 for the listening socket, else the session index of a relay socket.
  epoll_event ev{EPOLLIN, {.u64 = ~uint64_t{0}}};
  epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev);
  std::vector<int> relay_fds;
  for (int i = 0; i < sessions; ++i) {
    sockaddr_in at = listen_at;
    at.sin_port = htons(static_cast<uint16_t>(base + i));
    const int fd = open_bound(at);
    if (fd < 0) {
      std::perror("fanout_forwarder: relay socket");
      return 1;
    }
    ev = epoll_event{EPOLLIN, {.u64 = static_cast<uint64_t>(i)}};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    relay_fds.push_back(fd);
  }
  Turn turn(listen_fd, peer, relay_fds);
  std::printf("fanout_forwarder: ready (%d relay sockets, sends toward peers %s, budget %ld us)\n",
              sessions, turn.uses_uring() ? "through io_uring" : "one sendmsg each", budget_us);
  std::fflush(stdout);

  std::array<epoll_event, 128> events{};
  bool gather = false;  // the last turn relayed something, but less than a batch
  uint64_t slept = 0;   // budget waits taken
  uint64_t failed = 0;  // budget waits clock_nanosleep refused (not counting signals)
  while (g_stop == 0) {
    if (gather) {
      const int rc = clock_nanosleep(CLOCK_MONOTONIC, 0, &budget, nullptr);
      ++(rc == 0 || rc == EINTR ? slept : failed);
    }
    const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), gather ? 0 : 200);
    const uint64_t before = turn.forwarded();
    for (int i = 0; i < n; ++i) {
      if (!turn.has_room()) turn.flush();
      const uint64_t tag = events[static_cast<size_t>(i)].data.u64;
      if (tag == ~uint64_t{0}) {
        turn.receive(listen_fd, -1);
      } else {
        turn.receive(relay_fds[tag], static_cast<int>(tag));
      }
    }
    turn.flush();
    const uint64_t relayed = turn.forwarded() - before;
    gather = budget_us > 0 && relayed > 0 && relayed < kBatch;
  }
  // What the smoke test checks: with a budget the waits happen (and none is refused).
  std::printf("fanout_forwarder: forwarded %llu, budget waits %llu, refused %llu\n",
              static_cast<unsigned long long>(turn.forwarded()),
              static_cast<unsigned long long>(slept), static_cast<unsigned long long>(failed));
  for (const int fd : relay_fds) close(fd);
  close(listen_fd);
  close(ep);
  return 0;
}

// End to end through real sockets: Allocate (401, then authenticated), CreatePermission, Send
// indication out of the relay socket, a peer's datagram back as a Data indication.
#include <sys/resource.h>

#include <array>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

#include "auth/credentials.hpp"
#include "net/budget_chooser.hpp"
#include "net/server_runner.hpp"
#include "net_test_support.hpp"

namespace avedge::net {
namespace {

using namespace testing;  // NOLINT

// A client over UDP or TCP with one socket.
class Client {
 public:
  Client(bool tcp, const Endpoint& server) : tcp_(tcp), server_(server) {
    fd_ = tcp ? tcp_connect(server) : udp_socket();
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void send(std::span<const uint8_t> b) {
    if (tcp_) {
      ASSERT_EQ(::send(fd_, b.data(), b.size(), 0), static_cast<ssize_t>(b.size()));
    } else {
      sockaddr_storage ss{};
      const unsigned len = server_.to_sockaddr(ss);
      ASSERT_EQ(::sendto(fd_, b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&ss), len),
                static_cast<ssize_t>(b.size()));
    }
  }
  std::optional<std::vector<uint8_t>> recv() {
    if (tcp_) return read_stun(fd_reader(fd_));
    std::vector<uint8_t> buf(65536);
    const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n <= 0) return std::nullopt;
    buf.resize(static_cast<size_t>(n));
    return buf;
  }

 private:
  bool tcp_;
  Endpoint server_;
  int fd_ = -1;
};

struct Parsed {
  std::vector<uint8_t> bytes;
  stun::Message m;
};

std::unique_ptr<Parsed> parse(std::optional<std::vector<uint8_t>> b) {
  if (!b) return nullptr;
  auto p = std::make_unique<Parsed>();
  p->bytes = std::move(*b);
  if (stun::parse(p->bytes, p->m) != stun::ParseError::None) return nullptr;
  return p;
}

std::vector<uint8_t> request(uint16_t method, stun::Class cls,
                             const std::function<void(stun::Builder&)>& add) {
  stun::TransactionId tid{};
  crypto::random_bytes(tid);
  std::vector<uint8_t> buf(1500);
  stun::Builder b(buf, method, cls, tid);
  add(b);
  EXPECT_TRUE(b.ok());
  return {b.bytes().begin(), b.bytes().end()};
}

// CPU seconds this process has spent (every thread), user and system.
double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto secs = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6;
  };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

// (TCP rather than UDP, latency budget in µs, busy polling in µs: the worker loop with and
// without sleeping).
using RelayParam = std::tuple<bool, unsigned, unsigned>;
class TurnRelay : public ::testing::TestWithParam<RelayParam> {};

TEST_P(TurnRelay, AllocateSendAndReceive) {
  const auto [tcp, budget, busy_poll] = GetParam();
  TestConfig tc(tcp ? "\"tcp://127.0.0.1:0\"" : "\"udp://127.0.0.1:0\"");
  tc.cfg.latency_budget_us.value = budget;
  tc.cfg.busy_poll_us.value = busy_poll;
  ServerRunner runner(tc.cfg);
  runner.start();
  Client c(tcp, runner.listeners().front().endpoint);

  // 1. Unauthenticated: 401 with REALM and NONCE (RFC 8489 §9.2.4).
  c.send(request(stun::method::Allocate, stun::Class::Request,
                 [](stun::Builder& b) { b.add_requested_transport(stun::kProtoUdp); }));
  auto r1 = parse(c.recv());
  ASSERT_TRUE(r1);
  ASSERT_EQ(r1->m.cls, stun::Class::Error);
  const auto* nonce_attr = r1->m.find(stun::attr::Nonce);
  ASSERT_NE(nonce_attr, nullptr);
  const std::string nonce(stun::decode_string(*nonce_attr));

  const auto key = auth::make_long_term_key("alice", "test", "secret");
  auto authed = [&](uint16_t method, const std::function<void(stun::Builder&)>& add) {
    return request(method, stun::Class::Request, [&](stun::Builder& b) {
      add(b);
      b.add_string(stun::attr::Username, "alice");
      b.add_string(stun::attr::Realm, "test");
      b.add_string(stun::attr::Nonce, nonce);
      b.add_message_integrity(key.md5);
      b.add_fingerprint();
    });
  };

  // 2. Allocate.
  c.send(authed(stun::method::Allocate,
                [](stun::Builder& b) { b.add_requested_transport(stun::kProtoUdp); }));
  auto r2 = parse(c.recv());
  ASSERT_TRUE(r2);
  ASSERT_EQ(r2->m.cls, stun::Class::Success);
  const auto* relayed_attr = r2->m.find(stun::attr::XorRelayedAddress);
  ASSERT_NE(relayed_attr, nullptr);
  const auto relayed = stun::decode_xor_address(*relayed_attr, r2->m.tid);
  ASSERT_TRUE(relayed);
  EXPECT_EQ(relayed->ip.to_string(), "127.0.0.1");
  EXPECT_GE(relayed->port, 40000);
  EXPECT_LE(relayed->port, 49999);

  // 3. A peer on 127.0.0.1 (allowed by the test config's [peers] allow).
  const int peer = udp_socket();
  const Endpoint peer_ep = local_of(peer);
  c.send(authed(stun::method::CreatePermission,
                [&](stun::Builder& b) { b.add_xor_address(stun::attr::XorPeerAddress, peer_ep); }));
  auto r3 = parse(c.recv());
  ASSERT_TRUE(r3);
  ASSERT_EQ(r3->m.cls, stun::Class::Success);

  // 4. Send indication → the peer gets the data from the relayed address.
  const std::string hello = "hello";
  c.send(request(stun::method::Send, stun::Class::Indication, [&](stun::Builder& b) {
    b.add_xor_address(stun::attr::XorPeerAddress, peer_ep);
    b.add(stun::attr::Data, crypto::as_bytes(hello));
  }));
  std::vector<uint8_t> buf(2048);
  sockaddr_storage from{};
  socklen_t from_len = sizeof from;
  const ssize_t n =
      ::recvfrom(peer, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &from_len);
  ASSERT_EQ(n, 5);
  EXPECT_EQ(std::string(buf.begin(), buf.begin() + 5), hello);
  EXPECT_EQ(*Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&from)), *relayed);

  // 5. The peer answers the relayed address → a Data indication to the client.
  const std::string world = "world";
  ASSERT_EQ(
      ::sendto(peer, world.data(), world.size(), 0, reinterpret_cast<sockaddr*>(&from), from_len),
      5);
  auto r5 = parse(c.recv());
  ASSERT_TRUE(r5);
  EXPECT_EQ(r5->m.method, stun::method::Data);
  EXPECT_EQ(r5->m.cls, stun::Class::Indication);
  const auto* data = r5->m.find(stun::attr::Data);
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(std::string(data->value.begin(), data->value.end()), world);
  const auto* xpeer = r5->m.find(stun::attr::XorPeerAddress);
  ASSERT_NE(xpeer, nullptr);
  EXPECT_EQ(*stun::decode_xor_address(*xpeer, r5->m.tid), peer_ep);

  // 6. A burst from the peer (one sendmmsg) arrives in order, one Data indication each.
  constexpr size_t kBurst = 8;
  std::array<std::array<uint8_t, 4>, kBurst> payloads{};
  std::array<iovec, kBurst> iov{};
  std::array<mmsghdr, kBurst> msgs{};
  for (size_t i = 0; i < kBurst; ++i) {
    payloads[i] = {'b', 'u', 'r', static_cast<uint8_t>('0' + i)};
    iov[i] = iovec{payloads[i].data(), payloads[i].size()};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &from;
    msgs[i].msg_hdr.msg_namelen = from_len;
  }
  ASSERT_EQ(::sendmmsg(peer, msgs.data(), kBurst, 0), static_cast<int>(kBurst));
  for (size_t i = 0; i < kBurst; ++i) {
    auto r = parse(c.recv());
    ASSERT_TRUE(r) << i;
    const auto* d = r->m.find(stun::attr::Data);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(std::vector<uint8_t>(d->value.begin(), d->value.end()),
              std::vector<uint8_t>(payloads[i].begin(), payloads[i].end()));
  }
  if (!tcp && budget == 0) {
    // Budget 0, latency first: a worker that keeps up sends each datagram as soon as it is
    // relayed, so none of the burst waited to leave with the others in one GSO send.
    uint64_t coalesced = 0;
    runner.for_each_stats(
        [&](const turn::Stats&, const NetStats& net) { coalesced += net.gso_datagrams.load(); });
    EXPECT_EQ(coalesced, 0U);
  }
  // Busy-polling windows are counted; without busy polling there are none.
  const auto windows = [&runner] {
    uint64_t hits = 0;
    uint64_t misses = 0;
    runner.for_each_stats([&](const turn::Stats&, const NetStats& net) {
      hits += net.busy_poll_hits.load();
      misses += net.busy_poll_misses.load();
    });
    return std::pair{hits, misses};
  };
  if (busy_poll > 0) {
    // Busy polling ends with the traffic: once nothing arrives for busy_poll_us the worker
    // sleeps again (a worker that kept polling would spend the whole window's CPU time).
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const double before = process_cpu_seconds();
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    EXPECT_LT(process_cpu_seconds() - before, 0.2);
    if (budget == 0) {
      // ... and that window, which ran out, is counted as a miss.
      EXPECT_GE(windows().second, 1U);
    } else {
      // With a budget, polling follows the full turns (32 datagrams), which this test's
      // traffic never makes, and the small turns after which the worker chose to sleep until
      // the next packet over the budget's wait (decision 0020): one window for each of those.
      uint64_t skipped = 0;
      runner.for_each_stats([&](const turn::Stats&, const NetStats& net) {
        skipped += net.budget_waits_skipped.load();
      });
      const auto [hits, misses] = windows();
      EXPECT_EQ(hits + misses, skipped);
    }
  } else {
    EXPECT_EQ(windows(), (std::pair<uint64_t, uint64_t>{0, 0}));
  }
  // Small turns are followed by a budget wait or, where measured cheaper, a sleep until the
  // next packet (decision 0020); the first runs of choices alternate, so past the first run
  // both are tried. Budget 0: there is nothing to choose.
  uint64_t waits = 0;
  uint64_t skipped = 0;
  runner.for_each_stats([&](const turn::Stats&, const NetStats& net) {
    waits += net.budget_waits.load();
    skipped += net.budget_waits_skipped.load();
  });
  if (budget > 0) {
    EXPECT_GT(waits, 0U);
    if (waits + skipped > BudgetChooser::kRun) {
      EXPECT_GT(skipped, 0U);
    }
  } else {
    EXPECT_EQ(waits + skipped, 0U);
  }
  ::close(peer);
}

INSTANTIATE_TEST_SUITE_P(Transports, TurnRelay,
                         ::testing::Combine(::testing::Values(false, true),
                                            ::testing::Values(config::kDefaultLatencyBudgetUs, 0U),
                                            ::testing::Values(0U, 200U)),
                         [](const ::testing::TestParamInfo<RelayParam>& p) {
                           return std::string(std::get<0>(p.param) ? "tcp" : "udp") + "_budget" +
                                  std::to_string(std::get<1>(p.param)) + "_busy" +
                                  std::to_string(std::get<2>(p.param));
                         });

}  // namespace
}  // namespace avedge::net

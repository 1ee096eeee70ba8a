// TCP/TLS connection limits, the idle deadline and the frame size limit (issue 6 item 4), on
// real sockets against a real server.
#include "net/connection_limits.hpp"

#include <chrono>
#include <thread>

#include "auth/credentials.hpp"
#include "net/server_runner.hpp"
#include "net_test_support.hpp"

namespace avedge::net {
namespace {

using namespace testing;  // NOLINT
using std::chrono::steady_clock;

TEST(ConnectionLimits, TotalAndPerIpWithTicketsGivenBack) {
  ConnectionLimits l(3, 2);
  const auto a = *IpAddress::parse("198.51.100.1");
  auto b = *IpAddress::parse("198.51.100.2");
  for (int i = 3; l.slot_of(b) == l.slot_of(a); ++i) b.bytes[3] = static_cast<uint8_t>(i);
  auto t1 = l.admit(a);
  auto t2 = l.admit(a);
  EXPECT_TRUE(t1.valid());
  EXPECT_TRUE(t2.valid());
  EXPECT_FALSE(l.admit(a).valid());  // per IP
  EXPECT_EQ(l.closes(StreamClose::LimitPerIp), 1U);
  auto t3 = l.admit(b);
  EXPECT_TRUE(t3.valid());
  EXPECT_FALSE(l.admit(b).valid());  // total
  EXPECT_EQ(l.closes(StreamClose::LimitTotal), 1U);
  EXPECT_EQ(l.open(), 3U);
  t1 = ConnectionTicket{};  // gives a's place back
  EXPECT_EQ(l.open(), 2U);
  {
    auto t4 = l.admit(a);
    EXPECT_TRUE(t4.valid());
    ConnectionTicket moved(std::move(t4));
    EXPECT_EQ(l.open(), 3U);
  }
  EXPECT_EQ(l.open(), 2U);
}

TEST(ConnectionLimits, ManyThreadsNeverExceedTheTotal) {
  ConnectionLimits l(100, 1000);
  std::atomic<int> admitted{0};
  std::vector<std::thread> ts;
  std::vector<std::vector<ConnectionTicket>> held(4);
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        auto k = l.admit(IpAddress::v4(0x0a000000U + static_cast<uint32_t>(i)));
        if (k.valid()) {
          ++admitted;
          held[t].push_back(std::move(k));
        }
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(admitted.load(), 100);
  EXPECT_EQ(l.open(), 100U);
  EXPECT_EQ(l.closes(StreamClose::LimitTotal), 3900U);
  held.clear();
  EXPECT_EQ(l.open(), 0U);
}

// True when the server closed `fd` (orderly EOF or reset) within `ms`.
bool closed_within(int fd, int ms) {
  set_timeout(fd, ms);
  uint8_t buf[256];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;  // timeout: EAGAIN
  }
}

bool binding_answered(int fd) {
  const auto req = binding_request();
  if (::send(fd, req.bytes.data(), req.bytes.size(), 0) != static_cast<ssize_t>(req.bytes.size()))
    return false;
  const auto msg = read_stun(fd_reader(fd));
  return msg.has_value() && mapped_address(*msg, req.tid).has_value();
}

class StreamLimitsTest : public ::testing::Test {
 protected:
  StreamLimitsTest() : tc_("\"tcp://127.0.0.1:0\"") {
    tc_.cfg.limits.connections_per_ip.value = 2;
    tc_.cfg.limits.idle_timeout.value = Seconds{1};
    tc_.cfg.limits.max_message_size.value = 1024;
    runner_ = std::make_unique<ServerRunner>(tc_.cfg);
    runner_->start();
    server_ = runner_->listeners().front().endpoint;
  }
  // Waits until the workers have closed every connection and ended its allocation, so no
  // allocation is torn down (and logged) by this thread's runner teardown: that event line would
  // set up this thread's event-log limiter for later tests (net/event_log.cpp).
  ~StreamLimitsTest() override {
    for (int i = 0; i < 300 && limits().open() != 0U; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const ConnectionLimits& limits() const { return *runner_->connection_limits(); }
  TestConfig tc_;
  std::unique_ptr<ServerRunner> runner_;
  Endpoint server_;
};

TEST_F(StreamLimitsTest, ConnectionsOverThePerIpLimitAreClosedAtOnceAndCounted) {
  const int a = tcp_connect(server_);
  const int b = tcp_connect(server_);
  ASSERT_TRUE(binding_answered(a));
  ASSERT_TRUE(binding_answered(b));
  const int c = tcp_connect(server_);  // the kernel accepts; avedge closes
  ASSERT_GE(c, 0);
  EXPECT_TRUE(closed_within(c, 1000));
  EXPECT_EQ(limits().closes(StreamClose::LimitPerIp), 1U);
  EXPECT_EQ(limits().open(), 2U);
  ::close(a);
  // The place is given back once the server sees the close.
  for (int i = 0; i < 100 && limits().open() != 1U; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const int d = tcp_connect(server_);
  EXPECT_TRUE(binding_answered(d));
  for (int fd : {b, c, d}) ::close(fd);
}

TEST_F(StreamLimitsTest, IdleConnectionWithoutAllocationIsClosedAfterTheIdleTimeout) {
  const int fd = tcp_connect(server_);
  ASSERT_TRUE(binding_answered(fd));
  // Slowloris: trickle the first bytes of a frame, never finish it.
  const auto req = binding_request();
  ASSERT_EQ(::send(fd, req.bytes.data(), 5, 0), 5);
  const auto start = steady_clock::now();
  EXPECT_TRUE(closed_within(fd, 3000));
  const auto took = steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(800));
  EXPECT_LE(took, std::chrono::milliseconds(2500));
  EXPECT_EQ(limits().closes(StreamClose::Idle), 1U);
  ::close(fd);
}

TEST_F(StreamLimitsTest, ConnectionThatKeepsSendingFramesStaysOpen) {
  const int fd = tcp_connect(server_);
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(binding_answered(fd)) << i;
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
  }
  EXPECT_EQ(limits().closes(StreamClose::Idle), 0U);
  ::close(fd);
}

TEST_F(StreamLimitsTest, OversizeFrameClosesAsSoonAsItsHeaderArrives) {
  const int fd = tcp_connect(server_);
  ASSERT_TRUE(binding_answered(fd));
  // A STUN header announcing 2000 bytes of body (> max_message_size 1024); no body follows.
  auto req = binding_request();
  req.bytes[2] = 0x07;
  req.bytes[3] = 0xd0;
  ASSERT_EQ(::send(fd, req.bytes.data(), 20, 0), 20);
  EXPECT_TRUE(closed_within(fd, 1000));
  EXPECT_EQ(limits().closes(StreamClose::Oversize), 1U);
  ::close(fd);
}

std::vector<uint8_t> allocate_request(const std::string& nonce) {
  stun::TransactionId tid{};
  crypto::random_bytes(tid);
  std::vector<uint8_t> buf(512);
  stun::Builder b(buf, stun::method::Allocate, stun::Class::Request, tid);
  b.add_requested_transport(stun::kProtoUdp);
  if (!nonce.empty()) {
    b.add_string(stun::attr::Username, "alice");
    b.add_string(stun::attr::Realm, "test");
    b.add_string(stun::attr::Nonce, nonce);
    b.add_message_integrity(auth::make_long_term_key("alice", "test", "secret").md5);
  }
  return {b.bytes().begin(), b.bytes().end()};
}

TEST_F(StreamLimitsTest, IdleConnectionHoldingAnAllocationStaysOpen) {
  const int fd = tcp_connect(server_);
  const auto first = allocate_request("");
  ASSERT_EQ(::send(fd, first.data(), first.size(), 0), static_cast<ssize_t>(first.size()));
  const auto challenge = read_stun(fd_reader(fd));
  ASSERT_TRUE(challenge.has_value());
  stun::Message m;
  ASSERT_EQ(stun::parse(*challenge, m), stun::ParseError::None);
  ASSERT_NE(m.find(stun::attr::Nonce), nullptr);
  const auto req = allocate_request(std::string(stun::decode_string(*m.find(stun::attr::Nonce))));
  ASSERT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  const auto ok = read_stun(fd_reader(fd));
  ASSERT_TRUE(ok.has_value());
  stun::Message r;
  ASSERT_EQ(stun::parse(*ok, r), stun::ParseError::None);
  ASSERT_EQ(r.cls, stun::Class::Success);
  // Twice the idle timeout in silence: still open, still answering.
  EXPECT_FALSE(closed_within(fd, 2500));
  EXPECT_TRUE(binding_answered(fd));
  EXPECT_EQ(limits().closes(StreamClose::Idle), 0U);
  ::close(fd);
}

}  // namespace
}  // namespace avedge::net

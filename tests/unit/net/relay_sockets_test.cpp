#include "net/relay_sockets.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "net_test_support.hpp"
#include "turn/reservations.hpp"

namespace avedge::net {
namespace {

struct NullSink : PacketSink {
  void begin_batch(bool /*full*/) override {}
  void on_client_packet(const turn::ClientTuple&, std::span<const uint8_t>) override {}
  void on_peer_packet(uint32_t id, const Endpoint& peer, std::span<const uint8_t> b) override {
    last_id = id;
    last_peer = peer;
    bytes.assign(b.begin(), b.end());
    ++packets;
    if (on_packet) on_packet(id);
  }
  uint64_t next_conn_id() override { return 0; }
  void on_stream_open(const std::shared_ptr<StreamConnection>&) override {}
  void on_stream_closed(const turn::ClientTuple&, bool) override {}
  std::function<void(uint32_t)> on_packet;
  int packets = 0;
  uint32_t last_id = 0;
  Endpoint last_peer;
  std::vector<uint8_t> bytes;
};

class RelaySocketsTest : public ::testing::Test {
 protected:
  asio::io_context io_;
  ReadyPoller poller_{io_};
  RecvBatch batch_;
  SendQueue sendq_;
  NullSink sink_;
  RelaySockets relays_{io_,
                       poller_,
                       batch_,
                       sendq_,
                       sink_,
                       config::PortRange{41000, 41999},
                       IpAddress::v4(127, 0, 0, 1),
                       std::nullopt};
  using Kind = turn::RelayPortRequest::Kind;
};

TEST_F(RelaySocketsTest, RandomPortsInRangeAndEven) {
  for (uint32_t id = 1; id <= 20; ++id) {
    const auto ep = relays_.open(id, Family::V4, {Kind::Even});
    ASSERT_TRUE(ep);
    EXPECT_EQ(ep->port % 2, 0);
    EXPECT_GE(ep->port, 41000);
    EXPECT_LE(ep->port, 41999);
  }
  EXPECT_EQ(relays_.size(), 20U);
  EXPECT_FALSE(relays_.open(1, Family::V4, {}).has_value());  // id in use
}

TEST_F(RelaySocketsTest, NoV6AddressNoV6Relay) {
  EXPECT_FALSE(relays_.open(1, Family::V6, {}).has_value());
}

TEST_F(RelaySocketsTest, EvenPairLeavesTheNextPortFree) {
  const auto ep = relays_.open(1, Family::V4, {Kind::EvenPair});
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->port % 2, 0);
  turn::RelayPortRequest exact{Kind::Exact, static_cast<uint16_t>(ep->port + 1)};
  const auto next = relays_.open(2, Family::V4, exact);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->port, ep->port + 1);
}

TEST_F(RelaySocketsTest, ExactPortOnceAndAgainAfterClose) {
  turn::RelayPortRequest exact{Kind::Exact, 41234};
  ASSERT_TRUE(relays_.open(1, Family::V4, exact));
  EXPECT_FALSE(relays_.open(2, Family::V4, exact).has_value());  // taken
  relays_.close(1);
  EXPECT_TRUE(relays_.open(3, Family::V4, exact).has_value());
  turn::RelayPortRequest outside{Kind::Exact, 80};
  EXPECT_FALSE(relays_.open(4, Family::V4, outside).has_value());
}

TEST(RelaySocketsReservations, RandomChoiceSkipsHeldPorts) {
  asio::io_context io;
  RecvBatch batch;
  SendQueue sendq;
  NullSink sink;
  // Two ports; one reserved: every random choice must land on the other.
  ReadyPoller poller(io);
  RelaySockets relays(io, poller, batch, sendq, sink, config::PortRange{41500, 41501},
                      IpAddress::v4(127, 0, 0, 1), std::nullopt);
  turn::Reservations res;
  const TimePoint now = Clock::now();
  res.add(Endpoint{IpAddress::v4(127, 0, 0, 1), 41500}, now);
  turn::RelayPortRequest req{turn::RelayPortRequest::Kind::Any, 0, &res, now};
  const auto ep = relays.open(1, Family::V4, req);
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->port, 41501);
}

TEST_F(RelaySocketsTest, ReceivesAndSends) {
  const auto ep = relays_.open(7, Family::V4, {});
  ASSERT_TRUE(ep);
  const int peer = testing::udp_socket();
  const Endpoint peer_ep = testing::local_of(peer);
  sockaddr_storage ss{};
  const unsigned len = ep->to_sockaddr(ss);
  ASSERT_EQ(::sendto(peer, "ping", 4, 0, reinterpret_cast<sockaddr*>(&ss), len), 4);
  for (int i = 0; i < 20 && sink_.bytes.empty(); ++i) poller_.wait(10);
  EXPECT_EQ(sink_.last_id, 7U);
  EXPECT_EQ(sink_.last_peer, peer_ep);
  EXPECT_EQ(std::string(sink_.bytes.begin(), sink_.bytes.end()), "ping");

  const std::string pong = "pong";
  relays_.send(7, peer_ep, crypto::as_bytes(pong), true);  // DONT-FRAGMENT on
  EXPECT_FALSE(sendq_.empty());                            // queued until the worker's turn ends
  EXPECT_EQ(sendq_.flush(), 0U);
  char buf[16];
  sockaddr_storage from{};
  socklen_t from_len = sizeof from;
  ASSERT_EQ(::recvfrom(peer, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &from_len), 4);
  EXPECT_EQ(std::string(buf, 4), pong);
  EXPECT_EQ(*Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&from)), *ep);
  ::close(peer);
}

// Two relay sockets readable in the same wait, and the first datagram's handling closes the
// other allocation (a Refresh with lifetime 0, say): the other socket must not be read, and
// must stay valid until the turn ends (ASan checks the latter).
TEST_F(RelaySocketsTest, ClosingAnotherSocketDuringAWaitIsSafe) {
  const auto a = relays_.open(1, Family::V4, {});
  const auto b = relays_.open(2, Family::V4, {});
  ASSERT_TRUE(a && b);
  sink_.on_packet = [this](uint32_t id) { relays_.close(id == 1 ? 2 : 1); };
  const int peer = testing::udp_socket();
  for (const auto& ep : {*a, *b}) {
    sockaddr_storage ss{};
    const unsigned len = ep.to_sockaddr(ss);
    ASSERT_EQ(::sendto(peer, "x", 1, 0, reinterpret_cast<sockaddr*>(&ss), len), 1);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // both queued before the wait
  (void)poller_.wait(100);
  relays_.reap();
  EXPECT_EQ(sink_.packets, 1);
  EXPECT_EQ(relays_.size(), 1U);
  ::close(peer);
}

}  // namespace
}  // namespace avedge::net

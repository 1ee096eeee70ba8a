// Datagrams the kernel drops are counted (issue 5 item 1): receive-queue overflow from the
// SO_RXQ_OVFL control message on the recvmmsg path, and sends refused for buffer space.
#include <gtest/gtest.h>

#include <cerrno>

#include "net/net_stats.hpp"
#include "net/udp_listener.hpp"
#include "net_test_support.hpp"

namespace avedge::net {
namespace {

using namespace testing;  // NOLINT

struct CountingSink : PacketSink {
  void begin_batch(bool /*full*/) override {}
  void on_client_packet(const turn::ClientTuple&, std::span<const uint8_t>) override { ++received; }
  void on_peer_packet(uint32_t, const Endpoint&, std::span<const uint8_t>) override {}
  uint64_t next_conn_id() override { return 0; }
  void on_stream_open(const std::shared_ptr<StreamConnection>&) override {}
  void on_stream_closed(const turn::ClientTuple&, bool) override {}
  void on_socket_drops(SocketDrop why, uint64_t n) override {
    (why == SocketDrop::RxQueueOverflow ? overflow : buffer_full) += n;
  }
  uint64_t received = 0;
  uint64_t overflow = 0;
  uint64_t buffer_full = 0;
};

// Both ways a listener is read: received while the worker waits (io_uring multishot, the
// default where the kernel has it; the total comes from the control messages in its buffers)
// and drained with recvmmsg (AVEDGE_MULTISHOT=0).
class SocketDropsBothWays : public ::testing::TestWithParam<bool> {};

TEST_P(SocketDropsBothWays, ReceiveQueueOverflowIsCountedExactly) {
  on_own_thread([&] {
    if (!GetParam()) ::setenv("AVEDGE_MULTISHOT", "0", 1);
    asio::io_context io;
    RecvBatch batch;
    SendQueue sendq;
    CountingSink sink;
    ReadyPoller poller(io);
    ::unsetenv("AVEDGE_MULTISHOT");
    UdpListener l(io, poller, Endpoint{IpAddress::v4(127, 0, 0, 42), 0}, batch, sendq, sink);
    // A small receive queue, filled while nobody reads: the kernel drops the rest.
    const int small = 4096;
    ::setsockopt(l.native_handle(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    const int fd = udp_socket();
    sockaddr_storage ss{};
    const unsigned len = l.local().to_sockaddr(ss);
    constexpr int kSent = 2000;
    const std::array<uint8_t, 100> payload{};
    for (int i = 0; i < kSent; ++i) {
      ASSERT_EQ(
          ::sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&ss), len),
          static_cast<ssize_t>(payload.size()));
    }
    l.start();
    // Read until the queue is empty; then one more datagram carries the final drop total.
    for (int i = 0; i < 50; ++i) poller.wait(0);
    ASSERT_GT(sink.received, 0U);
    ASSERT_EQ(
        ::sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&ss), len),
        static_cast<ssize_t>(payload.size()));
    for (int i = 0; i < 50 && sink.received + sink.overflow < kSent + 1; ++i) {
      poller.wait(10);
    }
    EXPECT_GT(sink.overflow, 0U);
    EXPECT_EQ(sink.received + sink.overflow, static_cast<uint64_t>(kSent + 1));
    EXPECT_EQ(sink.buffer_full, 0U);
    ::close(fd);
  });
}

INSTANTIATE_TEST_SUITE_P(ListenerReads, SocketDropsBothWays, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "Multishot" : "Recvmmsg"; });

TEST(SocketDrops, OverflowTrackerTurnsTotalsIntoIncrementsAcrossWrap) {
  OverflowTracker t;
  EXPECT_EQ(t.update(0), 0U);
  EXPECT_EQ(t.update(5), 5U);
  EXPECT_EQ(t.update(5), 0U);
  t.seen = 0xFFFFFFFEu;
  EXPECT_EQ(t.update(1), 3U);
}

TEST(SocketDrops, BufferFullErrnos) {
  EXPECT_TRUE(send_buffer_full(EAGAIN));
  EXPECT_TRUE(send_buffer_full(EWOULDBLOCK));
  EXPECT_TRUE(send_buffer_full(ENOBUFS));
  EXPECT_FALSE(send_buffer_full(ECONNREFUSED));
  EXPECT_FALSE(send_buffer_full(EMSGSIZE));
}

}  // namespace
}  // namespace avedge::net

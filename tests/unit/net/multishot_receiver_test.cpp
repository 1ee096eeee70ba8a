// Listening sockets received through io_uring multishot RECVMSG while the worker waits
// (decision 0011): real sockets, real kernel. Where this kernel has no multishot receive the
// ReadyPoller falls back to epoll; the tests that are about the multishot path say so and skip.
#include "net/multishot_receiver.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "net/ready_poller.hpp"
#include "net/udp_listener.hpp"
#include "net_test_support.hpp"

namespace avedge::net {
namespace {

using namespace testing;  // NOLINT

struct RecordingSink : PacketSink {
  void begin_batch(bool /*full*/) override { ++batches; }
  void on_client_packet(const turn::ClientTuple& t, std::span<const uint8_t> bytes) override {
    from.push_back(t.client);
    server.push_back(t.server);
    payloads.emplace_back(bytes.begin(), bytes.end());
  }
  void on_peer_packet(uint32_t, const Endpoint&, std::span<const uint8_t>) override {}
  void end_drain() override { ++drains; }
  uint64_t next_conn_id() override { return 0; }
  void on_stream_open(const std::shared_ptr<StreamConnection>&) override {}
  void on_stream_closed(const turn::ClientTuple&, bool) override {}
  std::vector<Endpoint> from;
  std::vector<Endpoint> server;
  std::vector<std::string> payloads;
  int batches = 0;
  int drains = 0;
};

void send_text(int from, const Endpoint& to, const std::string& text) {
  sockaddr_storage ss{};
  const unsigned len = to.to_sockaddr(ss);
  ASSERT_EQ(::sendto(from, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&ss), len),
            static_cast<ssize_t>(text.size()));
}

template <typename Done>
void wait_until(ReadyPoller& poller, Done done) {
  for (int i = 0; i < 200 && !done(); ++i) poller.wait(20);
}

// The worker's parts around one listener.
struct Rig {
  explicit Rig(const Endpoint& bind_to = Endpoint{IpAddress::v4(127, 0, 0, 1), 0})
      : poller(io), listener(io, poller, bind_to, batch, sendq, sink) {
    listener.start();
  }
  asio::io_context io;
  RecvBatch batch;
  SendQueue sendq;
  RecordingSink sink;
  ReadyPoller poller;
  UdpListener listener;
};

// A relay socket in the rig's epoll set, read one datagram per readiness, and a peer that
// sends to it.
struct RelayBeside {
  explicit RelayBeside(ReadyPoller& p) : poller(p) { poller.add(relay, reader); }
  ~RelayBeside() {
    poller.remove(relay);
    ::close(relay);
    ::close(peer);
  }
  RelayBeside(const RelayBeside&) = delete;
  RelayBeside& operator=(const RelayBeside&) = delete;
  ReadyPoller& poller;
  const int relay = udp_socket();
  const int peer = udp_socket();
  OneDatagramReader reader{relay};
};

bool multishot_available() {
  asio::io_context io;
  ReadyPoller poller(io);
  const int fd = udp_socket();
  struct Nothing final : ReadyPoller::Handler, MultishotReceiver::Handler {
    void on_readable() override {}
    void on_received(std::span<const MultishotReceiver::Datagram>,
                     std::optional<uint32_t>) override {}
  } nothing;
  poller.add_receiver(fd, nothing, nothing);
  const bool yes = poller.receives_multishot(fd);
  poller.remove(fd);
  ::close(fd);
  return yes;
}

TEST(MultishotReceiver, ListenerDatagramsArriveInOrderWithTheirSource) {
  on_own_thread([&] {
    if (!multishot_available()) GTEST_SKIP() << "no io_uring multishot receive here";
    Rig rig;
    EXPECT_TRUE(rig.poller.receives_multishot(rig.listener.native_handle()));
    const int client = udp_socket();
    for (const char* text : {"one", "two", "three"}) send_text(client, rig.listener.local(), text);
    wait_until(rig.poller, [&] { return rig.sink.payloads.size() >= 3; });
    ASSERT_EQ(rig.sink.payloads, (std::vector<std::string>{"one", "two", "three"}));
    for (const auto& f : rig.sink.from) EXPECT_EQ(f, local_of(client));
    for (const auto& s : rig.sink.server) EXPECT_EQ(s, rig.listener.local());
    EXPECT_GE(rig.sink.drains, 1);
    ::close(client);
  });
}

// More datagrams waiting than the receiver has buffers (256): the kernel ends the receive when
// it runs out (ENOBUFS), and it is armed again once the buffers are back; nothing is lost.
// Both ways a worker waits: with a latency budget (pending receives taken in the same wait)
// and without (left for the next wait).
class MultishotReceiverBothWays : public ::testing::TestWithParam<bool> {};

TEST_P(MultishotReceiverBothWays, MoreDatagramsThanBuffersAllArrive) {
  on_own_thread([&] {
    if (!multishot_available()) GTEST_SKIP() << "no io_uring multishot receive here";
    Rig rig;
    rig.poller.set_take_pending(GetParam());
    const int client = udp_socket();
    constexpr int kCount = 1000;
    for (int i = 0; i < kCount; ++i) send_text(client, rig.listener.local(), std::to_string(i));
    wait_until(rig.poller, [&] { return rig.sink.payloads.size() >= kCount; });
    ASSERT_EQ(rig.sink.payloads.size(), static_cast<size_t>(kCount));
    for (int i = 0; i < kCount; ++i) EXPECT_EQ(rig.sink.payloads[i], std::to_string(i));
    // Delivered in runs of at most 32, each with its own begin_batch.
    EXPECT_GE(rig.sink.batches, kCount / static_cast<int>(MultishotReceiver::kRun));
    ::close(client);
  });
}

INSTANTIATE_TEST_SUITE_P(Waits, MultishotReceiverBothWays, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "Budget" : "NoBudget"; });

// A wildcard listener learns each datagram's destination from IP_PKTINFO in the control
// messages the kernel wrote into the provided buffer.
TEST(MultishotReceiver, WildcardListenerLearnsTheDestination) {
  on_own_thread([&] {
    if (!multishot_available()) GTEST_SKIP() << "no io_uring multishot receive here";
    Rig rig(Endpoint{IpAddress::v4(0, 0, 0, 0), 0});
    const int client = udp_socket();
    send_text(client, Endpoint{IpAddress::v4(127, 0, 0, 1), rig.listener.local().port}, "hi");
    wait_until(rig.poller, [&] { return !rig.sink.payloads.empty(); });
    ASSERT_EQ(rig.sink.server.size(), 1U);
    EXPECT_EQ(rig.sink.server[0],
              (Endpoint{IpAddress::v4(127, 0, 0, 1), rig.listener.local().port}));
    ::close(client);
  });
}

// The epoll set is one of the things the ring waits for: sockets in it, asio and the wake-up
// eventfd keep working next to a multishot listener.
TEST(MultishotReceiver, EpollSocketsAndWakeUpsStillWork) {
  on_own_thread([&] {
    Rig rig;
    RelayBeside r(rig.poller);
    send_text(r.peer, local_of(r.relay), "a");
    send_text(r.peer, local_of(r.relay), "b");
    send_text(r.peer, rig.listener.local(), "c");
    wait_until(rig.poller, [&] { return r.reader.read == 2 && rig.sink.payloads.size() == 1; });
    EXPECT_EQ(r.reader.read, 2);  // level-triggered: the second datagram was reported again
    EXPECT_EQ(rig.sink.payloads, (std::vector<std::string>{"c"}));
    std::thread waker([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      rig.poller.wake();
    });
    bool asio_ready = false;
    for (int i = 0; i < 50 && !asio_ready; ++i) asio_ready = rig.poller.wait(200);
    waker.join();
    EXPECT_TRUE(asio_ready);
  });
}

// A listener removed and closed gets nothing more, and one that takes its place gets only its
// own datagrams (a late completion of the old receive is not taken for the new one's).
TEST(MultishotReceiver, ARemovedListenerGetsNothingAndItsSuccessorOnlyItsOwn) {
  on_own_thread([&] {
    asio::io_context io;
    RecvBatch batch;
    SendQueue sendq;
    RecordingSink first_sink;
    RecordingSink second_sink;
    ReadyPoller poller(io);
    const int client = udp_socket();
    Endpoint first_at;
    {
      UdpListener first(io, poller, Endpoint{IpAddress::v4(127, 0, 0, 1), 0}, batch, sendq,
                        first_sink);
      first.start();
      first_at = first.local();
      send_text(client, first_at, "x");
      wait_until(poller, [&] { return !first_sink.payloads.empty(); });
      ASSERT_EQ(first_sink.payloads.size(), 1U);
      send_text(client, first_at, "queued, never read");
    }
    UdpListener second(io, poller, Endpoint{IpAddress::v4(127, 0, 0, 1), 0}, batch, sendq,
                       second_sink);
    second.start();
    send_text(client, second.local(), "y");
    wait_until(poller, [&] { return !second_sink.payloads.empty(); });
    for (int i = 0; i < 5; ++i) poller.wait(10);
    EXPECT_EQ(first_sink.payloads.size(), 1U);
    EXPECT_EQ(second_sink.payloads, (std::vector<std::string>{"y"}));
    ::close(client);
  });
}

// The latency budget's wait (decision 0012), both ways the poller can wait: with the multishot
// receiver (one io_uring_enter with a timeout) and without (AVEDGE_MULTISHOT=0: a sleep, then
// epoll). Only lower bounds on time: a full batch must not need the window, a few datagrams
// must not end it.
class GatherBothWays : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      ::unsetenv("AVEDGE_MULTISHOT");
    } else {
      ::setenv("AVEDGE_MULTISHOT", "0", 1);
    }
  }
  void TearDown() override { ::unsetenv("AVEDGE_MULTISHOT"); }
};

using Clock = std::chrono::steady_clock;

TEST_P(GatherBothWays, AFewDatagramsWaitForTheWindowAndAllArrive) {
  on_own_thread([&] {
    Rig rig;
    if (GetParam() && !rig.poller.receives_multishot(rig.listener.native_handle())) {
      GTEST_SKIP() << "no io_uring multishot receive here";
    }
    const int client = udp_socket();
    for (const char* text : {"one", "two", "three"}) send_text(client, rig.listener.local(), text);
    constexpr auto kWindow = std::chrono::milliseconds(30);
    const auto start = Clock::now();
    rig.poller.gather(kWindow, 32);
    EXPECT_GE(Clock::now() - start, kWindow);
    EXPECT_EQ(rig.sink.payloads, (std::vector<std::string>{"one", "two", "three"}));
    ::close(client);
  });
}

// With the multishot receiver a full batch ends the window early (without, the window is a
// sleep).
TEST(MultishotReceiver, AFullBatchDoesNotWaitForTheGatherWindow) {
  on_own_thread([&] {
    if (!multishot_available()) GTEST_SKIP() << "no io_uring multishot receive here";
    Rig rig;
    const int client = udp_socket();
    constexpr int kCount = 40;
    for (int i = 0; i < kCount; ++i) send_text(client, rig.listener.local(), std::to_string(i));
    const auto start = Clock::now();
    rig.poller.gather(std::chrono::seconds(20), 32);
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
    EXPECT_GE(rig.sink.payloads.size(), 32U);
    wait_until(rig.poller, [&] { return rig.sink.payloads.size() >= kCount; });
    ASSERT_EQ(rig.sink.payloads.size(), static_cast<size_t>(kCount));
    for (int i = 0; i < kCount; ++i) EXPECT_EQ(rig.sink.payloads[i], std::to_string(i));
    ::close(client);
  });
}

// What arrives during the window is taken by the same wait, the relay sockets' too.
TEST_P(GatherBothWays, DatagramsArrivingDuringTheWindowAreTaken) {
  on_own_thread([&] {
    Rig rig;
    RelayBeside r(rig.poller);
    std::thread sender([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      send_text(r.peer, rig.listener.local(), "late");
      send_text(r.peer, local_of(r.relay), "to the relay");
    });
    rig.poller.gather(std::chrono::milliseconds(100), 32);
    sender.join();
    EXPECT_EQ(rig.sink.payloads, (std::vector<std::string>{"late"}));
    EXPECT_EQ(r.reader.read, 1);
  });
}

INSTANTIATE_TEST_SUITE_P(Waits, GatherBothWays, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "Multishot" : "Epoll"; });

// AVEDGE_MULTISHOT=0: every socket waits in epoll and is drained with recvmmsg, as before.
TEST(MultishotReceiver, OffWithTheEnvironmentVariable) {
  on_own_thread([&] {
    ::setenv("AVEDGE_MULTISHOT", "0", 1);
    Rig rig;
    ::unsetenv("AVEDGE_MULTISHOT");
    EXPECT_FALSE(rig.poller.receives_multishot(rig.listener.native_handle()));
    const int client = udp_socket();
    send_text(client, rig.listener.local(), "plain");
    wait_until(rig.poller, [&] { return !rig.sink.payloads.empty(); });
    EXPECT_EQ(rig.sink.payloads, (std::vector<std::string>{"plain"}));
    ::close(client);
  });
}

}  // namespace
}  // namespace avedge::net

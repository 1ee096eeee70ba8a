#include "net/ready_poller.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "net_test_support.hpp"

namespace avedge::net {
namespace {

// asio's reactor signals itself once when it starts: let it take that, so that the tests see
// only what they cause (io_context::poll() runs the reactor only while there is work).
void settle(asio::io_context& io) {
  auto work = asio::make_work_guard(io);
  io.poll();
}

void send_to(int from, int to, int count) {
  sockaddr_storage ss{};
  const unsigned len = testing::local_of(to).to_sockaddr(ss);
  for (int i = 0; i < count; ++i) {
    ASSERT_EQ(::sendto(from, "x", 1, 0, reinterpret_cast<sockaddr*>(&ss), len), 1);
  }
}

TEST(ReadyPoller, ReportsAReadableSocketUntilItIsDrained) {
  asio::io_context io;
  ReadyPoller poller(io);
  settle(io);
  const int sock = testing::udp_socket();
  const int peer = testing::udp_socket();
  testing::OneDatagramReader reader(sock);
  poller.add(sock, reader);
  EXPECT_FALSE(poller.wait(0));
  EXPECT_EQ(reader.read, 0);
  send_to(peer, sock, 2);
  // Level-triggered: one datagram per wait, and the second is reported again.
  EXPECT_FALSE(poller.wait(1000));
  EXPECT_EQ(reader.read, 1);
  EXPECT_FALSE(poller.wait(1000));
  EXPECT_EQ(reader.read, 2);
  EXPECT_FALSE(poller.wait(0));
  EXPECT_EQ(reader.read, 2);
  poller.remove(sock);
  send_to(peer, sock, 1);
  EXPECT_FALSE(poller.wait(50));
  EXPECT_EQ(reader.read, 2);  // no longer watched
  ::close(sock);
  ::close(peer);
}

TEST(ReadyPoller, AsioTimerMakesTheWaitReturnForAsio) {
  asio::io_context io;
  ReadyPoller poller(io);
  bool fired = false;
  asio::steady_timer t(io);
  t.expires_after(std::chrono::milliseconds(20));
  t.async_wait([&](const asio::error_code& ec) { fired = !ec; });
  const auto start = std::chrono::steady_clock::now();
  while (!fired && std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
    if (poller.wait(5000)) io.poll();
  }
  EXPECT_TRUE(fired);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(15));
}

TEST(ReadyPoller, WakeFromAnotherThreadEndsTheWait) {
  asio::io_context io;
  ReadyPoller poller(io);
  settle(io);
  std::thread waker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    poller.wake();
  });
  EXPECT_TRUE(poller.wait(10000));  // returns long before the timeout
  waker.join();
  EXPECT_FALSE(poller.wait(0));  // the wake-up was consumed
}

}  // namespace
}  // namespace avedge::net

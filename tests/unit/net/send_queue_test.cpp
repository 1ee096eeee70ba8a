#include "net/send_queue.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "net_test_support.hpp"

namespace avedge::net {
namespace {

using testing::local_of;
using testing::set_timeout;
using testing::udp_socket;

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Reads one datagram; "" on timeout. `from` receives its source.
std::string receive(int fd, Endpoint* from = nullptr) {
  char buf[70000];
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  const ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&ss), &len);
  if (n < 0) return "";
  if (from != nullptr) *from = *Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss));
  return std::string(buf, static_cast<size_t>(n));
}

struct Sockets {
  explicit Sockets(size_t n) {
    for (size_t i = 0; i < n; ++i) {
      fds.push_back(udp_socket());
      set_timeout(fds.back(), 1000);
    }
  }
  ~Sockets() {
    for (int fd : fds) ::close(fd);
  }
  std::vector<int> fds;
};

// Queued datagrams leave only at flush, in order, each from its own socket.
void expect_delivery(SendQueue& q) {
  Sockets senders(3);
  Sockets receiver(1);
  const Endpoint to = local_of(receiver.fds[0]);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 9; ++i) {
      q.push(senders.fds[static_cast<size_t>(i % 3)], to, bytes_of("d" + std::to_string(i)));
    }
    EXPECT_FALSE(q.empty());
    EXPECT_EQ(q.flush(), 0U);
    EXPECT_TRUE(q.empty());
    for (int i = 0; i < 9; ++i) {
      Endpoint from;
      EXPECT_EQ(receive(receiver.fds[0], &from), "d" + std::to_string(i));
      EXPECT_EQ(from, local_of(senders.fds[static_cast<size_t>(i % 3)]));
    }
  }
}

TEST(SendQueue, SendmmsgPerSocketDeliversInOrder) {
  ::setenv("AVEDGE_URING", "0", 1);
  SendQueue q;
  EXPECT_FALSE(q.use_uring());
  ::unsetenv("AVEDGE_URING");
  expect_delivery(q);
}

TEST(SendQueue, IoUringAcrossSocketsDeliversInOrder) {
  SendQueue q;
  if (!q.use_uring()) GTEST_SKIP() << "no io_uring on this kernel";
  EXPECT_TRUE(q.uses_uring());
  expect_delivery(q);
}

TEST(SendQueue, NothingLeavesBeforeFlush) {
  SendQueue q;
  Sockets s(2);
  q.push(s.fds[0], local_of(s.fds[1]), bytes_of("late"));
  set_timeout(s.fds[1], 50);
  EXPECT_EQ(receive(s.fds[1]), "");
  q.flush();
  set_timeout(s.fds[1], 1000);
  EXPECT_EQ(receive(s.fds[1]), "late");
}

TEST(SendQueue, AFullQueueSendsWhatItHoldsFirst) {
  SendQueue q;
  Sockets s(2);
  const Endpoint to = local_of(s.fds[1]);
  // Room for all of them in the receiver (root may exceed net.core.rmem_max).
  const int room = 8 << 20;
  if (::setsockopt(s.fds[1], SOL_SOCKET, SO_RCVBUFFORCE, &room, sizeof room) != 0) {
    GTEST_SKIP() << "cannot raise the receive buffer (not root)";
  }
  const std::string big(60000, 'x');
  // More datagrams than slots, and more bytes than the arena: nothing is lost or reordered.
  const size_t n = SendQueue::kMaxDatagrams + 10;
  for (size_t i = 0; i < n; ++i) {
    q.push(s.fds[0], to, bytes_of(i % 16 == 0 ? big : std::to_string(i)));
  }
  q.flush();
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(receive(s.fds[1]), i % 16 == 0 ? big : std::to_string(i)) << i;
  }
}

TEST(SendQueue, PktinfoPicksTheSourceAddressOfAWildcardSocket) {
  SendQueue q;
  const int wild = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in any{};
  any.sin_family = AF_INET;
  ASSERT_EQ(::bind(wild, reinterpret_cast<sockaddr*>(&any), sizeof any), 0);
  Sockets r(1);
  const IpAddress source = IpAddress::v4(127, 0, 0, 77);
  q.push(wild, local_of(r.fds[0]), bytes_of("hi"), &source);
  q.flush();
  Endpoint from;
  EXPECT_EQ(receive(r.fds[0], &from), "hi");
  EXPECT_EQ(from.ip, source);
  ::close(wild);
}

TEST(SendQueue, AFailingDatagramDoesNotStopTheOthers) {
  SendQueue q;
  (void)q.use_uring();
  Sockets s(2);
  const Endpoint to = local_of(s.fds[1]);
  q.push(s.fds[0], to, bytes_of("a"));
  q.push(s.fds[0], Endpoint{IpAddress::v4(127, 0, 0, 1), 0}, bytes_of("port 0"));  // EINVAL
  q.push(-1, to, bytes_of("bad fd"));                                              // EBADF
  q.push(s.fds[0], to, bytes_of("b"));
  EXPECT_EQ(q.flush(), 0U);  // refused, but not for a full buffer
  EXPECT_EQ(receive(s.fds[1]), "a");
  EXPECT_EQ(receive(s.fds[1]), "b");
}

}  // namespace
}  // namespace avedge::net

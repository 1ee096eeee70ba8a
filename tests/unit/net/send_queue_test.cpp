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

// "d3" and the like (appending, not `"d" + std::to_string(3)`: GCC 12's -Wrestrict bug 105651).
template <typename Number>
std::string tag(char c, Number i) {
  std::string s(1, c);
  s += std::to_string(i);
  return s;
}

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

// Queued datagrams leave only at flush, each from its own socket, and the datagrams of one
// socket in the order they were queued (datagrams of different sockets may overtake each
// other: they are different flows to the receiver).
void expect_delivery(SendQueue& q) {
  Sockets senders(3);
  Sockets receiver(1);
  const Endpoint to = local_of(receiver.fds[0]);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 9; ++i) {
      q.push(senders.fds[static_cast<size_t>(i % 3)], to, bytes_of(tag('d', i)));
    }
    EXPECT_FALSE(q.empty());
    EXPECT_EQ(q.flush(), 0U);
    EXPECT_TRUE(q.empty());
    std::vector<std::vector<std::string>> per_sender(3);
    for (int i = 0; i < 9; ++i) {
      Endpoint from;
      const std::string d = receive(receiver.fds[0], &from);
      for (size_t k = 0; k < 3; ++k) {
        if (from == local_of(senders.fds[k])) per_sender[k].push_back(d);
      }
    }
    for (size_t k = 0; k < 3; ++k) {
      EXPECT_EQ(per_sender[k],
                (std::vector<std::string>{tag('d', k), tag('d', k + 3), tag('d', k + 6)}));
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

// Datagrams of one flow, equal in size but for a shorter last one, interleaved with two other
// flows: each flow's datagrams go out in one GSO send and arrive as the datagrams they were,
// in their order.
void expect_gso_delivery(SendQueue& q) {
  Sockets senders(2);
  Sockets receivers(2);
  const Endpoint a = local_of(receivers.fds[0]);
  const Endpoint b = local_of(receivers.fds[1]);
  const auto payload = [](char c, int i, size_t n) {
    std::string s(n, c);
    s[0] = static_cast<char>('0' + i);
    return s;
  };
  for (int i = 0; i < 10; ++i) {
    const size_t n = i == 9 ? 700 : 1200;  // the last one shorter: still the same GSO send
    q.push(senders.fds[0], a, bytes_of(payload('a', i, n)));
    q.push(senders.fds[0], b, bytes_of(payload('b', i, 100)));  // same socket, other peer
    q.push(senders.fds[1], a, bytes_of(payload('c', i, 300)));  // other socket, same peer
  }
  EXPECT_EQ(q.flush(), 0U);
  EXPECT_EQ(q.coalesced(), 30U);
  std::vector<std::string> at_a;
  std::vector<std::string> at_b;
  for (int i = 0; i < 20; ++i) at_a.push_back(receive(receivers.fds[0]));
  for (int i = 0; i < 10; ++i) at_b.push_back(receive(receivers.fds[1]));
  std::vector<std::string> from_a;
  std::vector<std::string> from_c;
  for (const auto& d : at_a) (d.size() > 1 && d[1] == 'a' ? from_a : from_c).push_back(d);
  ASSERT_EQ(from_a.size(), 10U);
  ASSERT_EQ(from_c.size(), 10U);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(from_a[static_cast<size_t>(i)], payload('a', i, i == 9 ? 700 : 1200)) << i;
    EXPECT_EQ(from_c[static_cast<size_t>(i)], payload('c', i, 300)) << i;
    EXPECT_EQ(at_b[static_cast<size_t>(i)], payload('b', i, 100)) << i;
  }
}

TEST(SendQueue, GsoSendsAFlowAtOnceAndItArrivesAsItWasQueued) {
  ::setenv("AVEDGE_URING", "0", 1);
  SendQueue q;
  EXPECT_FALSE(q.use_uring());
  ::unsetenv("AVEDGE_URING");
  ASSERT_TRUE(q.uses_gso());
  expect_gso_delivery(q);
}

TEST(SendQueue, GsoThroughIoUring) {
  SendQueue q;
  if (!q.use_uring()) GTEST_SKIP() << "no io_uring on this kernel";
  expect_gso_delivery(q);
}

TEST(SendQueue, ALongerDatagramEndsAGsoSendWithoutOvertaking) {
  SendQueue q;
  Sockets s(2);
  const Endpoint to = local_of(s.fds[1]);
  const std::vector<std::string> sent = {"aa", "bb", "c", "dddd", "eeee", "ffff", "gg", "hh"};
  for (const auto& d : sent) q.push(s.fds[0], to, bytes_of(d));
  EXPECT_EQ(q.flush(), 0U);
  for (const auto& d : sent) EXPECT_EQ(receive(s.fds[1]), d);
  EXPECT_EQ(q.coalesced(), 7U);  // {aa bb c} {dddd eeee ffff gg} {hh}: 3 + 4, and hh alone
}

TEST(SendQueue, GsoOffSendsOneByOne) {
  ::setenv("AVEDGE_GSO", "0", 1);
  SendQueue q;
  ::unsetenv("AVEDGE_GSO");
  EXPECT_FALSE(q.uses_gso());
  Sockets s(2);
  const Endpoint to = local_of(s.fds[1]);
  for (int i = 0; i < 5; ++i) q.push(s.fds[0], to, bytes_of(tag('x', i)));
  EXPECT_EQ(q.flush(), 0U);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(receive(s.fds[1]), tag('x', i));
  EXPECT_EQ(q.coalesced(), 0U);
}

// IP_PKTINFO picks the source address on a wildcard socket, for a datagram alone ("hi") and for
// those of one GSO send (the segment size goes after the pktinfo in the control data).
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
  EXPECT_EQ(q.coalesced(), 0U);
  Endpoint alone;
  EXPECT_EQ(receive(r.fds[0], &alone), "hi");
  EXPECT_EQ(alone.ip, source);
  for (int i = 0; i < 4; ++i) q.push(wild, local_of(r.fds[0]), bytes_of(tag('p', i)), &source);
  q.flush();
  EXPECT_EQ(q.coalesced(), 4U);
  for (int i = 0; i < 4; ++i) {
    Endpoint from;
    EXPECT_EQ(receive(r.fds[0], &from), tag('p', i));
    EXPECT_EQ(from.ip, source);
  }
  ::close(wild);
}

// A socket that refuses GSO sends (SO_NO_CHECK: Linux sends no GSO without UDP checksums,
// EINVAL): its datagrams go one by one and arrive all the same; after a few such refusals the
// queue stops trying.
TEST(SendQueue, RefusedGsoFallsBackToOneByOneThenOff) {
  SendQueue q;
  Sockets s(2);
  const int on = 1;
  ASSERT_EQ(::setsockopt(s.fds[0], SOL_SOCKET, SO_NO_CHECK, &on, sizeof on), 0);
  const Endpoint to = local_of(s.fds[1]);
  for (unsigned round = 0; round < SendQueue::kGsoRefusalsBeforeOff; ++round) {
    EXPECT_TRUE(q.uses_gso()) << round;
    for (int i = 0; i < 3; ++i) q.push(s.fds[0], to, bytes_of(tag('r', i)));
    EXPECT_EQ(q.flush(), 0U);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(receive(s.fds[1]), tag('r', i)) << round;
  }
  EXPECT_FALSE(q.uses_gso());
}

}  // namespace
}  // namespace avedge::net

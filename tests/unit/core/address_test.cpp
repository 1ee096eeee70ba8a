#include "core/address.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <unordered_set>

namespace avedge {
namespace {

IpAddress ip(std::string_view s) {
  auto a = IpAddress::parse(s);
  EXPECT_TRUE(a.has_value()) << s;
  return a.value_or(IpAddress{});
}

TEST(IpAddress, ParsesV4) {
  auto a = IpAddress::parse("192.0.2.1");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->is_v4());
  EXPECT_EQ(a->size(), 4u);
  EXPECT_EQ(a->v4_host_order(), 0xC0000201u);
  EXPECT_EQ(*a, IpAddress::v4(192, 0, 2, 1));
  EXPECT_EQ(*a, IpAddress::v4(0xC0000201u));
  EXPECT_EQ(a->to_string(), "192.0.2.1");
}

TEST(IpAddress, RejectsBadText) {
  for (std::string_view bad :
       {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4x", " 1.2.3.4", "1.2.3.4 ", "::g",
        "1:2:3:4:5:6:7:8:9", "[::1]", "fe80::1%eth0", "0x7f.0.0.1", "127.1",
        "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa"}) {
    EXPECT_FALSE(IpAddress::parse(bad)) << bad;
  }
  EXPECT_FALSE(IpAddress::parse(std::string_view("1.2.3.4\0", 8)));
}

TEST(IpAddress, V6Rfc5952RoundTrip) {
  struct Case {
    std::string_view in, out;
  };
  for (auto [in, out] : std::initializer_list<Case>{
           {"2001:DB8:0:0:0:0:0:1", "2001:db8::1"},
           {"2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"},
           {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},  // §4.2.2: no "::" for one group
           {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},           // §4.2.3: longest run
           {"::", "::"},
           {"::1", "::1"},
           {"::ffff:192.0.2.1", "::ffff:192.0.2.1"},
           {"::ffff:c000:0201", "::ffff:192.0.2.1"},
           {"fe80::1", "fe80::1"}}) {
    auto a = IpAddress::parse(in);
    ASSERT_TRUE(a) << in;
    EXPECT_FALSE(a->is_v4());
    EXPECT_EQ(a->to_string(), out) << in;
    auto b = IpAddress::parse(a->to_string());
    ASSERT_TRUE(b);
    EXPECT_EQ(*a, *b);
  }
}

TEST(IpAddress, Unspecified) {
  EXPECT_TRUE(ip("0.0.0.0").is_unspecified());
  EXPECT_TRUE(ip("::").is_unspecified());
  EXPECT_FALSE(ip("0.0.0.1").is_unspecified());
  EXPECT_FALSE(ip("::1").is_unspecified());
}

TEST(Endpoint, ParseAndPrint) {
  auto e = Endpoint::parse("1.2.3.4:5");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->ip, IpAddress::v4(1, 2, 3, 4));
  EXPECT_EQ(e->port, 5);
  EXPECT_EQ(e->to_string(), "1.2.3.4:5");

  auto e6 = Endpoint::parse("[::1]:5");
  ASSERT_TRUE(e6);
  EXPECT_EQ(e6->ip, ip("::1"));
  EXPECT_EQ(e6->port, 5);
  EXPECT_EQ(e6->to_string(), "[::1]:5");

  for (std::string_view s :
       {"0.0.0.0:0", "255.255.255.255:65535", "[2001:db8::1]:3478", "[::ffff:192.0.2.1]:1"}) {
    auto p = Endpoint::parse(s);
    ASSERT_TRUE(p) << s;
    EXPECT_EQ(p->to_string(), s);
  }
}

TEST(Endpoint, StrictPort) {
  for (std::string_view bad : {"1.2.3.4:65536",
                               "1.2.3.4:-1",
                               "1.2.3.4:1e3",
                               "1.2.3.4:",
                               "1.2.3.4",
                               "1.2.3.4:+5",
                               "1.2.3.4: 5",
                               "1.2.3.4:5 ",
                               "1.2.3.4:0x10",
                               "1.2.3.4:100000",
                               "1.2.3.4:4294967297",
                               "[::1]:65536",
                               "[::1]:-1",
                               "[::1]:",
                               "[::1]",
                               "[::1]5",
                               "::1:5",
                               "[1.2.3.4]:5",
                               "[::1:5",
                               "1.2.3.4:5:6",
                               ":5",
                               "[]:5"}) {
    EXPECT_FALSE(Endpoint::parse(bad)) << bad;
  }
  auto e = Endpoint::parse("1.2.3.4:65535");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->port, 65535);
  e = Endpoint::parse("1.2.3.4:00080");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->port, 80);
}

TEST(Endpoint, SockaddrRoundTripV4) {
  const Endpoint e{IpAddress::v4(192, 0, 2, 7), 3478};
  sockaddr_storage ss{};
  const unsigned len = e.to_sockaddr(ss);
  EXPECT_EQ(len, sizeof(sockaddr_in));
  sockaddr_in sin{};
  std::memcpy(&sin, &ss, sizeof sin);
  EXPECT_EQ(sin.sin_family, AF_INET);
  EXPECT_EQ(ntohs(sin.sin_port), 3478);
  EXPECT_EQ(ntohl(sin.sin_addr.s_addr), 0xC0000207u);
  auto back = Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&ss));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, e);
}

TEST(Endpoint, SockaddrRoundTripV6) {
  const Endpoint e{ip("2001:db8::42"), 65535};
  sockaddr_storage ss{};
  const unsigned len = e.to_sockaddr(ss);
  EXPECT_EQ(len, sizeof(sockaddr_in6));
  sockaddr_in6 sin6{};
  std::memcpy(&sin6, &ss, sizeof sin6);
  EXPECT_EQ(sin6.sin6_family, AF_INET6);
  EXPECT_EQ(ntohs(sin6.sin6_port), 65535);
  char buf[INET6_ADDRSTRLEN] = {};
  ASSERT_NE(inet_ntop(AF_INET6, &sin6.sin6_addr, buf, sizeof buf), nullptr);
  EXPECT_STREQ(buf, "2001:db8::42");
  auto back = Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&ss));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, e);
}

TEST(Endpoint, FromSockaddrRejectsOtherFamilies) {
  sockaddr_storage ss{};
  ss.ss_family = AF_UNIX;
  EXPECT_FALSE(Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&ss)));
  EXPECT_FALSE(Endpoint::from_sockaddr(nullptr));
}

TEST(Endpoint, HashDistinguishesFields) {
  std::unordered_set<Endpoint> set;
  set.insert(*Endpoint::parse("1.2.3.4:5"));
  set.insert(*Endpoint::parse("1.2.3.4:6"));
  set.insert(*Endpoint::parse("1.2.3.5:5"));
  set.insert(*Endpoint::parse("[::ffff:1.2.3.4]:5"));
  set.insert(*Endpoint::parse("1.2.3.4:5"));
  EXPECT_EQ(set.size(), 4u);
  EXPECT_EQ(EndpointHash{}(*Endpoint::parse("[::1]:9")),
            EndpointHash{}(*Endpoint::parse("[::1]:9")));
}

TEST(Cidr, Parse) {
  auto c = Cidr::parse("10.0.0.0/8");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->prefix, 8);
  EXPECT_EQ(c->to_string(), "10.0.0.0/8");
  c = Cidr::parse("::1");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->prefix, 128);
  c = Cidr::parse("1.2.3.4");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->prefix, 32);
  c = Cidr::parse("fc00::/7");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->to_string(), "fc00::/7");
  c = Cidr::parse("10.1.2.3/8");  // host bits are cleared
  ASSERT_TRUE(c);
  EXPECT_EQ(c->to_string(), "10.0.0.0/8");
  c = Cidr::parse("0.0.0.0/0");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->contains(ip("255.1.2.3")));
  EXPECT_FALSE(c->contains(ip("::1")));
  for (std::string_view bad :
       {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x", "10.0.0.0/ 8", "/8",
        "10.0.0/8", "10.0.0.0/0008", "x/8", "10.0.0.0/8/8"}) {
    EXPECT_FALSE(Cidr::parse(bad)) << bad;
  }
}

TEST(Cidr, Contains) {
  auto c = *Cidr::parse("172.16.0.0/12");
  EXPECT_TRUE(c.contains(ip("172.16.0.0")));
  EXPECT_TRUE(c.contains(ip("172.31.255.255")));
  EXPECT_TRUE(c.contains(ip("172.20.1.1")));
  EXPECT_FALSE(c.contains(ip("172.15.255.255")));
  EXPECT_FALSE(c.contains(ip("172.32.0.0")));
  EXPECT_FALSE(c.contains(ip("::ffff:172.16.0.1")));  // same family only

  auto c6 = *Cidr::parse("fe80::/10");
  EXPECT_TRUE(c6.contains(ip("fe80::1")));
  EXPECT_TRUE(c6.contains(ip("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
  EXPECT_FALSE(c6.contains(ip("fec0::")));
  EXPECT_FALSE(c6.contains(ip("fe7f:ffff::")));

  auto host = *Cidr::parse("::1/128");
  EXPECT_TRUE(host.contains(ip("::1")));
  EXPECT_FALSE(host.contains(ip("::")));
  EXPECT_FALSE(host.contains(ip("0.0.0.1")));
}

}  // namespace
}  // namespace avedge

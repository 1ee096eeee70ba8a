#include "config/values.hpp"

#include <gtest/gtest.h>

#include "config/durations.hpp"
#include "config/suggest.hpp"

namespace avedge::config {
namespace {

TEST(Durations, Parse) {
  EXPECT_EQ(parse_duration("600s").value, Seconds{600});
  EXPECT_EQ(parse_duration("10m").value, Seconds{600});
  EXPECT_EQ(parse_duration("1h").value, Seconds{3600});
  EXPECT_EQ(parse_duration("1h30m").value, Seconds{5400});
  EXPECT_EQ(parse_duration("2d").value, Seconds{172800});
  EXPECT_FALSE(parse_duration("").ok());
  EXPECT_FALSE(parse_duration("10").ok());
  EXPECT_EQ(parse_duration("10").problem.fix, "write \"10s\" (units: s, m, h)");
  EXPECT_FALSE(parse_duration("10x").ok());
  EXPECT_FALSE(parse_duration("m").ok());
  EXPECT_FALSE(parse_duration("-5s").ok());
  EXPECT_FALSE(parse_duration("99999999999999h").ok());
}

TEST(Durations, Format) {
  EXPECT_EQ(format_duration(Seconds{600}), "10m");
  EXPECT_EQ(format_duration(Seconds{90}), "90s");
  EXPECT_EQ(format_duration(Seconds{3600}), "1h");
  EXPECT_EQ(format_duration(Seconds{0}), "0s");
}

TEST(Values, Listener) {
  auto l = parse_listener("udp://127.0.0.1:3478");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l.value->kind, ListenerKind::Udp);
  EXPECT_EQ(l.value->endpoint.port, 3478);
  auto t = parse_listener("tcp+tls://[::]:443");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value->kind, ListenerKind::TcpTls);
  EXPECT_EQ(t.value->endpoint.ip.family, Family::V6);
  EXPECT_TRUE(t.value->uses_tls());
  EXPECT_TRUE(parse_listener("tls://0.0.0.0:0").ok());
  EXPECT_FALSE(parse_listener("127.0.0.1:3478").ok());
  EXPECT_FALSE(parse_listener("udp://127.0.0.1").ok());
  EXPECT_FALSE(parse_listener("udp://127.0.0.1:65536").ok());
  EXPECT_FALSE(parse_listener("udp://127.0.0.1:-1").ok());
  EXPECT_FALSE(parse_listener("quic://127.0.0.1:1").ok());
}

TEST(Values, PortRange) {
  auto r = parse_port_range("50000-59999");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value->first, 50000);
  EXPECT_EQ(r.value->last, 59999);
  EXPECT_EQ(parse_port_range("5000-4000").problem.cause, "start above end");
  EXPECT_EQ(parse_port_range("5000-4000").problem.fix, "write \"50000-59999\"");
  EXPECT_FALSE(parse_port_range("50000").ok());
  EXPECT_FALSE(parse_port_range("80-90").ok());
  EXPECT_FALSE(parse_port_range("50000-70000").ok());
  EXPECT_FALSE(parse_port_range("50000-50000").ok());
  EXPECT_FALSE(parse_port_range("a-b").ok());
}

TEST(Values, IpCidrUserLevel) {
  EXPECT_TRUE(parse_ip("203.0.113.10").ok());
  EXPECT_TRUE(parse_ip("[2001:db8::1]").ok());
  EXPECT_FALSE(parse_ip("example.com").ok());
  EXPECT_TRUE(parse_cidr("10.0.0.0/8").ok());
  EXPECT_TRUE(parse_cidr("2001:db8::/32").ok());
  EXPECT_FALSE(parse_cidr("10.0.0.0/33").ok());
  auto u = parse_user_pair("alice:pa:ss");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u.value->first, "alice");
  EXPECT_EQ(u.value->second, "pa:ss");
  EXPECT_FALSE(parse_user_pair("alice").ok());
  EXPECT_FALSE(parse_user_pair(":pw").ok());
  EXPECT_FALSE(parse_user_pair("alice:").ok());
  EXPECT_TRUE(parse_log_level("debug").ok());
  EXPECT_FALSE(parse_log_level("loud").ok());
  EXPECT_EQ(parse_peers_deny("recommended").value, true);
  EXPECT_EQ(parse_peers_deny("none").value, false);
  EXPECT_FALSE(parse_peers_deny("all").ok());
}

TEST(Suggest, Nearest) {
  const std::array<std::string_view, 3> keys{"relay_ports", "relay_ips", "realm"};
  EXPECT_EQ(nearest("relay_port", keys), "relay_ports");
  EXPECT_EQ(nearest("Realm", keys), "realm");
  EXPECT_EQ(nearest("relayips", keys), "relay_ips");
  EXPECT_FALSE(nearest("certificate", keys).has_value());
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
}

}  // namespace
}  // namespace avedge::config

#include "config/finalize.hpp"

#include <gtest/gtest.h>

#include "config/loader.hpp"

namespace avedge::config {
namespace {

Config load(const char* text) {
  LoadResult r = load_string(text, "a.toml");
  EXPECT_TRUE(r.ok());
  return r.config;
}

std::string joined(const Errors& errors) {
  std::string s;
  for (const auto& e : errors) s += e.to_string() + "\n";
  return s;
}

TEST(Finalize, DerivesRelayIpFromTheFirstListener) {
  Config c = load("[edge]\nlisten = [\"udp://192.0.2.7:3478\", \"udp://[2001:db8::1]:3478\"]\n");
  ASSERT_TRUE(finalize(c).empty());
  ASSERT_EQ(c.relay_ips.size(), 1U);
  EXPECT_EQ(c.relay_ips[0].value.to_string(), "192.0.2.7");
  EXPECT_EQ(c.relay_ips[0].where.to_string(), "a.toml:2");
}

TEST(Finalize, TheTcFastPathNeedsInterfaces) {
  Config c = load("[edge]\nlisten = [\"udp://192.0.2.7:3478\"]\nfast_path = \"tc\"\n");
  EXPECT_EQ(joined(finalize(c)),
            "a.toml:3: fast_path = \"tc\" without fast_path_interfaces; fix: add "
            "fast_path_interfaces = [\"eth0\"] under [edge]: the interfaces client and peer "
            "traffic arrive on\n");
  Config ok = load(
      "[edge]\nlisten = [\"udp://192.0.2.7:3478\"]\nfast_path = \"tc\"\n"
      "fast_path_interfaces = [\"eth0\"]\n");
  EXPECT_TRUE(finalize(ok).empty());
}

TEST(Finalize, WildcardListenerNeedsRelayIps) {
  Config c = load("[edge]\nlisten = [\"udp://0.0.0.0:3478\"]\n");
  const Errors e = finalize(c);
  ASSERT_EQ(e.size(), 1U);
  EXPECT_NE(e[0].to_string().find("a.toml:2"), std::string::npos);
  EXPECT_NE(e[0].to_string().find("fix: write relay_ips"), std::string::npos);
}

TEST(Finalize, OneRelayAddressPerFamily) {
  Config c = load(
      "[edge]\nlisten = [\"udp://127.0.0.1:3478\"]\nrelay_ips = [\"192.0.2.1\", \"192.0.2.2\", "
      "\"::1\"]\n");
  const Errors e = finalize(c);
  ASSERT_EQ(e.size(), 1U) << joined(e);
  EXPECT_NE(e[0].cause.find("second IPv4"), std::string::npos);
}

TEST(Finalize, NoListener) {
  Config c;
  const Errors e = finalize(c);
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0].cause, "no listener");
}

TEST(Finalize, DuplicateTcpPort) {
  Config c = load(
      "[edge]\nlisten = [\"udp://127.0.0.1:3478\", \"tcp://127.0.0.1:3478\", "
      "\"tls://127.0.0.1:3478\"]\n");
  const Errors e = finalize(c);
  ASSERT_EQ(e.size(), 1U) << joined(e);
  EXPECT_NE(e[0].fix.find("tcp+tls://"), std::string::npos);
}

TEST(Finalize, LifetimesInOrder) {
  Config c = load(
      "[edge]\nlisten = [\"udp://127.0.0.1:3478\"]\n[lifetimes]\ndefault = \"2h\"\nmax = "
      "\"1h\"\nnonce = \"2h\"\n");
  const Errors e = finalize(c);
  ASSERT_EQ(e.size(), 2U) << joined(e);
  EXPECT_EQ(e[0].to_string(),
            "a.toml:4: lifetimes.default \"2h\": above max \"1h\"; fix: write default = \"1h\" or "
            "raise max");
  EXPECT_NE(e[1].to_string().find("a.toml:6"), std::string::npos);
}

TEST(Finalize, TlsKeyWithoutCertAndMissingFiles) {
  Config c = load("[edge]\nlisten = [\"tls://127.0.0.1:5349\"]\n[tls]\nkey = \"/k.pem\"\n");
  EXPECT_EQ(finalize(c).size(), 1U);
  Config d =
      load("[edge]\nlisten = [\"tls://127.0.0.1:5349\"]\n[tls]\ncert = \"/nonexistent.pem\"\n");
  const Errors e = finalize(d);
  ASSERT_EQ(e.size(), 1U) << joined(e);
  EXPECT_NE(e[0].to_string().find("a.toml:4: tls.cert"), std::string::npos);
  EXPECT_EQ(d.tls.key.value, "/nonexistent.pem");  // one PEM file may hold both
}

}  // namespace
}  // namespace avedge::config

#include "config/overrides.hpp"

#include <gtest/gtest.h>

#include "config/loader.hpp"

namespace avedge::config {
namespace {

TEST(Overrides, FlagsReplaceTheFileValues) {
  LoadResult r = load_embedded_default();
  ASSERT_TRUE(r.ok());
  Overrides o;
  o.listen = {"udp://127.0.0.1:0", "tcp+tls://[::1]:4443"};
  o.relay_ips = {"127.0.0.2"};
  o.relay_ports = "40000-40999";
  o.realm = "example.org";
  o.users = {"alice:secret"};
  o.secrets = {"0123456789abcdef0123"};
  o.allow_peers = {"10.0.0.0/8"};
  o.workers = 3;
  o.log_level = "debug";
  ASSERT_TRUE(apply_overrides(o, r.config).empty());
  const Config& c = r.config;
  ASSERT_EQ(c.listeners.size(), 2U);
  EXPECT_EQ(c.listeners[0].url(), "udp://127.0.0.1:0");
  EXPECT_EQ(c.listeners[1].url(), "tcp+tls://[::1]:4443");
  EXPECT_EQ(c.listeners[1].where.to_string(), "--listen");
  ASSERT_EQ(c.relay_ips.size(), 1U);
  EXPECT_EQ(c.relay_ips[0].value.to_string(), "127.0.0.2");
  EXPECT_EQ(c.relay_ports.value.first, 40000);
  EXPECT_EQ(c.relay_ports.where.to_string(), "--relay-ports");
  EXPECT_EQ(c.realm.value, "example.org");
  ASSERT_EQ(c.users.size(), 1U);
  EXPECT_EQ(c.users[0].name, "alice");
  ASSERT_EQ(c.secrets.size(), 1U);
  ASSERT_EQ(c.peers.allow.size(), 1U);
  EXPECT_EQ(c.workers.value, 3U);
  EXPECT_EQ(c.log_level.value, "debug");
}

TEST(Overrides, NothingGivenChangesNothing) {
  LoadResult r = load_embedded_default();
  const auto before = r.config.listeners.size();
  EXPECT_TRUE(apply_overrides(Overrides{}, r.config).empty());
  EXPECT_EQ(r.config.listeners.size(), before);
  EXPECT_EQ(r.config.realm.value, "avedge.local");
}

TEST(Overrides, BadFlagsNameTheFlagAndNeverEchoSecrets) {
  Config c;
  Overrides o;
  o.relay_ports = "5000-4000";
  o.users = {"alice"};
  o.secrets = {"tooshort"};
  o.allow_peers = {"10.0.0.0/99"};
  o.log_level = "loud";
  const Errors e = apply_overrides(o, c);
  ASSERT_EQ(e.size(), 5U);
  EXPECT_EQ(e[0].to_string().rfind("--relay-ports: \"5000-4000\": start above end; fix:", 0), 0U)
      << e[0].to_string();
  EXPECT_EQ(e[1].to_string().rfind("--user:", 0), 0U);
  EXPECT_EQ(e[2].to_string().find("tooshort"), std::string::npos) << e[2].to_string();
  EXPECT_EQ(e[3].to_string().rfind("--allow-peer:", 0), 0U);
  EXPECT_EQ(e[4].to_string().rfind("--log-level:", 0), 0U);
}

}  // namespace
}  // namespace avedge::config

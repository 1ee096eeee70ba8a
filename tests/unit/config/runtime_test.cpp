#include "config/runtime.hpp"

#include <gtest/gtest.h>

#include "config/finalize.hpp"
#include "config/loader.hpp"

namespace avedge::config {
namespace {

Config loaded(const char* text) {
  LoadResult r = load_string(text, "a.toml");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(finalize(r.config).empty());
  return r.config;
}

TEST(Runtime, ServerConfigFromValues) {
  const Config c = loaded(R"([edge]
realm = "example.org"
listen = ["udp://127.0.0.1:3478"]
relay_ips = ["192.0.2.1", "2001:db8::1"]
software = true
[quota]
total = 5
per_user = 2
per_ip = 3
[lifetimes]
default = "5m"
max = "30m"
channel = "9m"
nonce = "2m"
)");
  const turn::ServerConfig s = make_server_config(c);
  EXPECT_EQ(s.realm, "example.org");
  EXPECT_EQ(s.default_lifetime, Seconds{300});
  EXPECT_EQ(s.max_lifetime, Seconds{1800});
  EXPECT_EQ(s.channel_lifetime, Seconds{540});
  EXPECT_EQ(s.nonce_lifetime, Seconds{120});
  EXPECT_EQ(s.max_allocations_total, 5U);
  EXPECT_EQ(s.max_allocations_per_user, 2U);
  EXPECT_EQ(s.max_allocations_per_ip, 3U);
  EXPECT_TRUE(s.ipv4_relay);
  EXPECT_TRUE(s.ipv6_relay);
  EXPECT_TRUE(s.software);
}

TEST(Runtime, DescriptorsNeededByRelaySockets) {
  // The smaller of ports and quota, per relay family, plus the reserve.
  EXPECT_EQ(descriptors_needed(loaded(R"([edge]
realm = "example.org"
listen = ["udp://127.0.0.1:3478"]
relay_ips = ["192.0.2.1", "2001:db8::1"]
relay_ports = "50000-50999"
[quota]
total = 300
)")),
            2 * 300 + kDescriptorReserve);
  EXPECT_EQ(descriptors_needed(loaded(R"([edge]
realm = "example.org"
listen = ["udp://127.0.0.1:3478"]
relay_ips = ["192.0.2.1"]
relay_ports = "50000-50999"
[quota]
total = 5000
)")),
            1000 + kDescriptorReserve);
}

TEST(Runtime, PeerPolicyAllowsOwnRelayAndAllowList) {
  const Config c = loaded(R"([edge]
listen = ["udp://127.0.0.1:3478"]
[peers]
allow = ["10.1.0.0/16"]
deny_extra = ["198.51.100.0/24"]
)");
  const auto p = make_peer_policy(c);
  EXPECT_TRUE(p->allowed(*IpAddress::parse("127.0.0.1")));   // own relay address
  EXPECT_FALSE(p->allowed(*IpAddress::parse("127.0.0.2")));  // loopback: recommended deny
  EXPECT_TRUE(p->allowed(*IpAddress::parse("10.1.2.3")));
  EXPECT_FALSE(p->allowed(*IpAddress::parse("10.2.2.3")));
  EXPECT_FALSE(p->allowed(*IpAddress::parse("198.51.100.9")));
  EXPECT_TRUE(p->allowed(*IpAddress::parse("8.8.8.8")));
}

TEST(Runtime, PeerPolicyNone) {
  const Config c =
      loaded("[edge]\nlisten = [\"udp://127.0.0.1:3478\"]\n[peers]\ndeny = \"none\"\n");
  EXPECT_TRUE(make_peer_policy(c)->allowed(*IpAddress::parse("10.2.2.3")));
}

TEST(Runtime, CredentialsForUsersAndRestSecrets) {
  const Config c = loaded(R"([edge]
realm = "r"
listen = ["udp://127.0.0.1:3478"]
[auth]
users = ["alice:secret"]
secrets = ["0123456789abcdef0123"]
)");
  const auto store = make_credentials(c);
  EXPECT_EQ(store->realm(), "r");
  const auto alice = store->lookup("alice", 0);
  EXPECT_EQ(alice.status, auth::LookupStatus::Ok);
  ASSERT_EQ(alice.keys.size(), 1U);
  EXPECT_EQ(alice.keys[0].md5, auth::make_long_term_key("alice", "r", "secret").md5);

  const UnixSeconds now = 1'700'000'000;
  const RestCredential rest = make_rest_credential("0123456789abcdef0123", "bob", now + 60);
  EXPECT_EQ(rest.username, "1700000060:bob");
  const auto bob = store->lookup(rest.username, now);
  ASSERT_EQ(bob.status, auth::LookupStatus::Ok);
  ASSERT_FALSE(bob.keys.empty());
  EXPECT_EQ(bob.keys[0].md5, auth::make_long_term_key(rest.username, "r", rest.password).md5);
}

}  // namespace
}  // namespace avedge::config

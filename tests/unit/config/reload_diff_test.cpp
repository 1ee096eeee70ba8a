// The reload diff (issue 6 item 7): key by key, file:line of the new value, secrets never shown,
// restart-only keys flagged.
#include "config/reload_diff.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "config/finalize.hpp"
#include "config/loader.hpp"

namespace avedge::config {
namespace {

Config load(const std::string& text) {
  LoadResult r = load_string(text, "edge.toml");
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front().to_string());
  EXPECT_TRUE(finalize(r.config).empty());
  return std::move(r.config);
}

const std::string kBase =
    "[edge]\n"                                              // 1
    "listen = [\"udp://127.0.0.1:3478\"]\n"                 // 2
    "relay_ips = [\"127.0.0.1\"]\n"                         // 3
    "[auth]\n"                                              // 4
    "users = [\"alice:alicepass\", \"carol:carolpass\"]\n"  // 5
    "secrets = [\"rest-secret-one-abcdef\"]\n"              // 6
    "[quota]\n"                                             // 7
    "per_user = 100\n"                                      // 8
    "[peers]\n"                                             // 9
    "deny_extra = [\"192.0.2.0/24\"]\n"                     // 10
    "[log]\n"                                               // 11
    "level = \"info\"\n";                                   // 12

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

const ConfigChange* find(const std::vector<ConfigChange>& v, const std::string& key) {
  const auto it = std::find_if(v.begin(), v.end(), [&](const auto& c) { return c.key == key; });
  return it == v.end() ? nullptr : &*it;
}

TEST(ReloadDiff, SameFileNoChange) {
  EXPECT_TRUE(diff_configs(load(kBase), load(kBase), false).empty());
}

TEST(ReloadDiff, QuotaWithFileAndLine) {
  const auto d =
      diff_configs(load(kBase), load(replace(kBase, "per_user = 100", "per_user = 5")), false);
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].key, "quota.per_user");
  EXPECT_EQ(d[0].where.to_string(), "edge.toml:8");
  EXPECT_EQ(d[0].detail, "100 -> 5");
  EXPECT_FALSE(d[0].restart);
  EXPECT_EQ(to_string(d[0], true), "quota.per_user  edge.toml:8  100 -> 5  (would be applied)");
}

TEST(ReloadDiff, UsersByNameWithoutPasswords) {
  const auto next = replace(replace(kBase, "alice:alicepass", "bob:bobpass"), "carol:carolpass",
                            "carol:newcarolpass");
  const auto d = diff_configs(load(kBase), load(next), false);
  const auto* u = find(d, "auth.users");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->detail, "added bob, removed alice, password of carol changed");
  EXPECT_EQ(u->detail.find("pass"), u->detail.find("password of"));  // no password value
  EXPECT_EQ(u->where.line, 5U);
}

TEST(ReloadDiff, SecretsSayChangedOnly) {
  const auto d = diff_configs(
      load(kBase), load(replace(kBase, "rest-secret-one-abcdef", "rest-secret-two-abcdef")), false);
  const auto* s = find(d, "auth.secrets");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->detail, "changed");
  EXPECT_EQ(to_string(*s, false).find("rest-secret"), std::string::npos);
}

TEST(ReloadDiff, ListenerNeedsARestart) {
  const auto d = diff_configs(load(kBase),
                              load(replace(kBase, "\"udp://127.0.0.1:3478\"",
                                           "\"udp://127.0.0.1:3478\", \"tcp://127.0.0.1:3478\"")),
                              false);
  const auto* l = find(d, "edge.listen");
  ASSERT_NE(l, nullptr);
  EXPECT_TRUE(l->restart);
  EXPECT_EQ(l->detail, "[udp://127.0.0.1:3478] -> [udp://127.0.0.1:3478, tcp://127.0.0.1:3478]");
  EXPECT_NE(to_string(*l, false).find("needs a restart, not applied"), std::string::npos);
}

TEST(ReloadDiff, PeersLogAndCertificateContents) {
  const auto next =
      replace(replace(kBase, "192.0.2.0/24", "198.51.100.0/24"), "\"info\"", "\"debug\"");
  const auto d = diff_configs(load(kBase), load(next), true);
  ASSERT_NE(find(d, "peers.deny_extra"), nullptr);
  EXPECT_EQ(find(d, "peers.deny_extra")->detail, "[192.0.2.0/24] -> [198.51.100.0/24]");
  ASSERT_NE(find(d, "log.level"), nullptr);
  EXPECT_EQ(find(d, "log.level")->where.line, 12U);
  ASSERT_NE(find(d, "tls.cert"), nullptr);
  EXPECT_EQ(find(d, "tls.cert")->detail, "file contents changed");
  EXPECT_TRUE(std::none_of(d.begin(), d.end(), [](const auto& c) { return c.restart; }));
}

TEST(ReloadDiff, KeepRestartOnlyLeavesListenersAsRunning) {
  const Config running = load(kBase);
  Config next = load(replace(replace(kBase, "\"udp://127.0.0.1:3478\"", "\"udp://127.0.0.1:3479\""),
                             "per_user = 100", "per_user = 7"));
  keep_restart_only(running, next);
  EXPECT_EQ(next.listeners.front().endpoint.port, 3478);
  EXPECT_EQ(next.quota.per_user.value, 7U);
  const auto d = diff_configs(running, next, false);
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].key, "quota.per_user");
}

}  // namespace
}  // namespace avedge::config

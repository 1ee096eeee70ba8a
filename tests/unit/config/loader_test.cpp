#include "config/loader.hpp"

#include <gtest/gtest.h>

#include <string>

namespace avedge::config {
namespace {

std::string all_errors(const LoadResult& r) {
  std::string s;
  for (const auto& e : r.errors) s += e.to_string() + "\n";
  return s;
}

TEST(Loader, AcceptsTheDefaultFile) {
  const LoadResult r = load_file(std::string(AVEDGE_SOURCE_DIR) + "/config/default.toml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.config.realm.value, "avedge.local");
  ASSERT_EQ(r.config.listeners.size(), 3U);
  EXPECT_EQ(r.config.listeners[0].url(), "udp://127.0.0.1:3478");
  EXPECT_EQ(r.config.listeners[1].url(), "tcp://127.0.0.1:3478");
  EXPECT_EQ(r.config.listeners[2].url(), "tls://127.0.0.1:5349");
  EXPECT_EQ(r.config.relay_ports.value.first, 50000);
  EXPECT_EQ(r.config.relay_ports.value.last, 59999);
  EXPECT_TRUE(r.config.dev_credentials.value);
  EXPECT_TRUE(r.config.peers.recommended.value);
  EXPECT_EQ(r.config.lifetimes.default_lifetime.value, Seconds{600});
  EXPECT_EQ(r.config.lifetimes.max_lifetime.value, Seconds{3600});
  // Every value keeps file:line.
  EXPECT_NE(r.config.listeners[0].where.to_string().find("default.toml:"), std::string::npos);
  EXPECT_GT(r.config.relay_ports.where.line, 0U);
}

TEST(Loader, KeepsFileAndLine) {
  const LoadResult r = load_string(
      "[edge]\nrealm = \"example.org\"\n\nrelay_ports = \"40000-40100\"\n", "avedge.toml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.config.realm.where.to_string(), "avedge.toml:2");
  EXPECT_EQ(r.config.relay_ports.where.to_string(), "avedge.toml:4");
}

TEST(Loader, AcceptsTheDesignShape) {
  // DESIGN.md §1: the topology tables (loader_topology_test.cpp has the details).
  const char* text = R"(
[topology]
sip_domains = ["contoso.com"]
default_routing_domain = "contoso.com"

[[edge_pool]]
name = "EDGEPOOL01"
public_fqdn = "av1.contoso.com"
secrets = [{ id = "k1", value = "0123456789abcdef0123" }]

[[frontend_pool]]
name = "POOL01"
fqdn = "pool01.contoso.com"
edge_pool = "EDGEPOOL01"

[edge]
pool = "EDGEPOOL01"
listen = ["udp://0.0.0.0:3478", "tcp+tls://0.0.0.0:443"]
relay_ips = ["203.0.113.10"]
relay_ports = "50000-59999"

[peers]
deny = "recommended"
allow = []
)";
  const LoadResult r = load_string(text, "avedge.toml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.config.listeners.size(), 2U);
  EXPECT_EQ(r.config.listeners[1].kind, ListenerKind::TcpTls);
  EXPECT_EQ(r.config.listeners[1].endpoint.port, 443);
}

TEST(Loader, UsersAsStringsAndTables) {
  const char* text = R"([auth]
users = ["alice:secret", { name = "bob", password = "pw2" }]
)";
  const LoadResult r = load_string(text, "a.toml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.config.users.size(), 2U);
  EXPECT_EQ(r.config.users[0].name, "alice");
  EXPECT_EQ(r.config.users[0].password, "secret");
  EXPECT_EQ(r.config.users[1].name, "bob");

  const LoadResult t =
      load_string("[[auth.users]]\nname = \"carol\"\npassword = \"x\"\n", "a.toml");
  ASSERT_TRUE(t.ok()) << all_errors(t);
  ASSERT_EQ(t.config.users.size(), 1U);
  EXPECT_EQ(t.config.users[0].name, "carol");
}

TEST(Loader, ErrorsNeverEchoPasswords) {
  const LoadResult r = load_string("[auth]\nusers = [\":hunter2\"]\n", "a.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(all_errors(r).find("hunter2"), std::string::npos) << all_errors(r);
  EXPECT_NE(all_errors(r).find("a.toml:2"), std::string::npos);
}

TEST(Loader, UnknownKeySuggestsNearest) {
  const LoadResult r =
      load_string("[edge]\nrealm = \"x\"\nrelay_port = \"50000-59999\"\n", "avedge.toml");
  ASSERT_EQ(r.errors.size(), 1U);
  const std::string e = r.errors[0].to_string();
  EXPECT_NE(e.find("avedge.toml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean \"relay_ports\""), std::string::npos) << e;
  EXPECT_NE(e.find("fix: write relay_ports = \"50000-59999\""), std::string::npos) << e;
}

TEST(Loader, KeyInTheWrongTableNamesTheRightOne) {
  const LoadResult r =
      load_string("realm = \"x\"\n[peers]\nrelay_ports = \"50000-59999\"\n", "a.toml");
  ASSERT_EQ(r.errors.size(), 2U);
  EXPECT_NE(r.errors[0].to_string().find("did you mean [edge] realm"), std::string::npos)
      << r.errors[0].to_string();
  EXPECT_NE(r.errors[1].to_string().find("did you mean [edge] relay_ports"), std::string::npos)
      << r.errors[1].to_string();
}

TEST(Loader, UnknownTableSuggestsNearest) {
  const LoadResult r = load_string("[peer]\ndeny = \"none\"\n", "a.toml");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_NE(r.errors[0].to_string().find("did you mean [peers]"), std::string::npos)
      << r.errors[0].to_string();
}

TEST(Loader, BadPortRangeHasFileLineCauseFix) {
  const LoadResult r = load_string("\n\n[edge]\nrelay_ports = \"5000-4000\"\n", "avedge.toml");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(
      r.errors[0].to_string(),
      "avedge.toml:4: relay_ports \"5000-4000\": start above end; fix: write \"50000-59999\"");
}

TEST(Loader, BadDurationRejectedWithFix) {
  const LoadResult r = load_string("[lifetimes]\ndefault = \"10x\"\nmax = 3600\n", "a.toml");
  ASSERT_EQ(r.errors.size(), 2U) << all_errors(r);
  EXPECT_NE(r.errors[0].to_string().find("a.toml:2: default \"10x\": unknown unit"),
            std::string::npos)
      << r.errors[0].to_string();
  EXPECT_NE(r.errors[0].to_string().find("fix:"), std::string::npos);
  EXPECT_NE(r.errors[1].to_string().find("a.toml:3"), std::string::npos);
  EXPECT_NE(r.errors[1].to_string().find("fix: write max = \"3600s\""), std::string::npos)
      << r.errors[1].to_string();
}

TEST(Loader, BadCidrRejectedWithFix) {
  const LoadResult r =
      load_string("[peers]\nallow = [\"10.0.0.0/33\", \"10.1.0.0/16\"]\n", "a.toml");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_NE(r.errors[0].to_string().find("a.toml:2: allow \"10.0.0.0/33\": not a CIDR block; fix:"),
            std::string::npos)
      << r.errors[0].to_string();
}

TEST(Loader, WrongTypeSaysWhatToWrite) {
  const LoadResult r = load_string("[edge]\nworkers = \"four\"\n", "a.toml");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].to_string(),
            "a.toml:2: workers: expected an integer, found a string; fix: write workers = 0");
}

TEST(Loader, LatencyBudget) {
  EXPECT_EQ(load_string("[edge]\n", "a.toml").config.latency_budget_us.value,
            kDefaultLatencyBudgetUs);
  const LoadResult zero = load_string("[edge]\nlatency_budget_us = 0\n", "a.toml");
  ASSERT_TRUE(zero.errors.empty());
  EXPECT_EQ(zero.config.latency_budget_us.value, 0U);
  EXPECT_EQ(zero.config.latency_budget_us.where.line, 2U);
  const LoadResult big = load_string("[edge]\nlatency_budget_us = 20000\n", "a.toml");
  ASSERT_EQ(big.errors.size(), 1U);
  EXPECT_EQ(big.errors[0].to_string(),
            "a.toml:2: latency_budget_us 20000: must be 0 to 10000; fix: write latency_budget_us "
            "= 175 (the default) or 0 (wake at every packet)");
}

TEST(Loader, LatencyBudgetWhenCheaper) {
  EXPECT_TRUE(load_string("[edge]\n", "a.toml").config.latency_budget_when_cheaper.value);
  const LoadResult off = load_string("[edge]\nlatency_budget_when_cheaper = false\n", "a.toml");
  ASSERT_TRUE(off.errors.empty());
  EXPECT_FALSE(off.config.latency_budget_when_cheaper.value);
  EXPECT_EQ(off.config.latency_budget_when_cheaper.where.line, 2U);
  const LoadResult text = load_string("[edge]\nlatency_budget_when_cheaper = \"yes\"\n", "a.toml");
  ASSERT_EQ(text.errors.size(), 1U);
  EXPECT_EQ(text.errors[0].where.line, 2U);
}

TEST(Loader, BusyPoll) {
  EXPECT_EQ(load_string("[edge]\n", "a.toml").config.busy_poll_us.value, 0U);
  const LoadResult on =
      load_string("[edge]\nlatency_budget_us = 0\nbusy_poll_us = 200\n", "a.toml");
  ASSERT_TRUE(on.errors.empty());
  EXPECT_EQ(on.config.busy_poll_us.value, 200U);
  EXPECT_EQ(on.config.busy_poll_us.where.line, 3U);
  const LoadResult big = load_string("[edge]\nbusy_poll_us = 20000\n", "a.toml");
  ASSERT_EQ(big.errors.size(), 1U);
  EXPECT_EQ(big.errors[0].to_string(),
            "a.toml:2: busy_poll_us 20000: must be 0 to 10000; fix: write busy_poll_us = 0 (the "
            "default: sleep when nothing is waiting) or about twice the gap between packets, "
            "e.g. 200");
  const LoadResult negative = load_string("[edge]\nbusy_poll_us = -1\n", "a.toml");
  ASSERT_EQ(negative.errors.size(), 1U);
  EXPECT_EQ(negative.errors[0].where.line, 2U);
}

TEST(Loader, FastPath) {
  const LoadResult off = load_string("[edge]\n", "a.toml");
  EXPECT_EQ(off.config.fast_path.value, "off");
  const LoadResult tc = load_string(
      "[edge]\nfast_path = \"tc\"\nfast_path_interfaces = [\"eth0\", \"lo\"]\n", "a.toml");
  ASSERT_TRUE(tc.errors.empty());
  EXPECT_EQ(tc.config.fast_path.value, "tc");
  ASSERT_EQ(tc.config.fast_path_interfaces.size(), 2U);
  EXPECT_EQ(tc.config.fast_path_interfaces[1].value, "lo");
  EXPECT_EQ(tc.config.fast_path_interfaces[1].where.line, 3U);
  const LoadResult xdp = load_string("[edge]\nfast_path = \"xdp\"\n", "a.toml");
  ASSERT_EQ(xdp.errors.size(), 1U);
  EXPECT_EQ(xdp.errors[0].to_string(),
            "a.toml:2: fast_path \"xdp\": must be \"off\" or \"tc\"; fix: write fast_path = "
            "\"tc\" (channel-bound UDP relayed in the kernel) or \"off\" (the default)");
  const LoadResult bad_name =
      load_string("[edge]\nfast_path_interfaces = [\"eth0\",\n  \"a very long name\"]\n", "a.toml");
  ASSERT_EQ(bad_name.errors.size(), 1U);
  EXPECT_EQ(bad_name.errors[0].to_string(),
            "a.toml:3: fast_path_interfaces: \"a very long name\" is not an interface name; fix: "
            "write the names `ip -br link` prints, e.g. [\"eth0\"]");
}

TEST(Loader, SyntaxErrorHasLine) {
  const LoadResult r = load_string("[edge]\nrealm = \"x\n", "a.toml");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_NE(r.errors[0].to_string().find("a.toml:2: TOML syntax"), std::string::npos)
      << r.errors[0].to_string();
}

TEST(Loader, BadListenerAndLogLevel) {
  const LoadResult r = load_string(
      "[edge]\nlisten = [\"sctp://1.2.3.4:1\", \"udp://::1:3478\", \"udp://host:1\"]\n[log]\nlevel "
      "= \"loud\"\n",
      "a.toml");
  ASSERT_EQ(r.errors.size(), 4U) << all_errors(r);
  EXPECT_NE(r.errors[0].to_string().find("unknown scheme \"sctp\""), std::string::npos);
  EXPECT_NE(r.errors[1].to_string().find("IPv6 address without brackets"), std::string::npos);
  EXPECT_NE(r.errors[2].to_string().find("not an IP address"), std::string::npos);
  EXPECT_NE(r.errors[3].to_string().find("a.toml:4: level \"loud\""), std::string::npos);
}

TEST(Loader, SecretFilesAreReadRelativeToTheConfig) {
  const LoadResult r =
      load_string("[auth]\nsecret_files = [\"no/such/file\"]\n", "a.toml", "/nonexistent");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_NE(r.errors[0].to_string().find("cannot read"), std::string::npos);
}

TEST(Loader, ShortSecretRejectedWithoutEcho) {
  const LoadResult r = load_string("[auth]\nsecrets = [\"short\"]\n", "a.toml");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].to_string().find("\"short\""), std::string::npos);
}

TEST(Loader, MissingFileIsAnError) {
  const LoadResult r = load_file("/nonexistent/avedge.toml");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_NE(r.errors[0].to_string().find("/nonexistent/avedge.toml"), std::string::npos);
}

TEST(Loader, KnownKeys) {
  const auto keys = known_keys();
  EXPECT_NE(std::find(keys.begin(), keys.end(), "edge.relay_ports"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "lifetimes.nonce"), keys.end());
}

// [log] events and events_rate (issue 5 item 3): the JSON event log's target and flood limit.
TEST(LogConfig, DefaultsAndValues) {
  const auto d = load_string("[log]\nlevel = \"info\"\n", "a.toml");
  ASSERT_TRUE(d.ok()) << all_errors(d);
  EXPECT_EQ(d.config.log_events.value, "stderr");
  EXPECT_EQ(d.config.log_events_rate.value, 10U);
  const auto r = load_string("[log]\nevents = \"stdout\"\nevents_rate = 50\n", "a.toml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.config.log_events.value, "stdout");
  EXPECT_EQ(r.config.log_events.where.line, 2U);
  EXPECT_EQ(r.config.log_events_rate.value, 50U);
}

TEST(LogConfig, AFilePathIsRelativeToTheConfigFile) {
  const auto r = load_string("[log]\nevents = \"logs/events.jsonl\"\n", "a.toml", "/etc/avedge");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.config.log_events.value, "/etc/avedge/logs/events.jsonl");
}

TEST(LogConfig, ErrorsNameTheLine) {
  const auto r = load_string("[log]\nevents = \"\"\nevents_rate = 0\nevent = \"x\"\n", "a.toml");
  const std::string e = all_errors(r);
  EXPECT_NE(e.find("a.toml:2"), std::string::npos) << e;
  EXPECT_NE(e.find("events: empty"), std::string::npos) << e;
  EXPECT_NE(e.find("a.toml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("events_rate 0: must be 1 to 100000"), std::string::npos) << e;
  EXPECT_NE(e.find("a.toml:4"), std::string::npos) << e;
}

}  // namespace
}  // namespace avedge::config

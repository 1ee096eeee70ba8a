// The topology tables (issue 3): [topology], [[edge_pool]], [[frontend_pool]], [mras] and
// [edge] pool / diagnostic_reasons, with file:line on every value and every error.
#include "config/loader_topology.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/loader.hpp"
#include "config/runtime.hpp"

namespace avedge::config {
namespace {

std::string all_errors(const LoadResult& r) {
  std::string s;
  for (const auto& e : r.errors) s += e.to_string() + "\n";
  return s;
}

// A temporary directory holding secrets/pool01-k1, removed at the end of the test.
class TopologyLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("avedge-topo-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "secrets");
    std::ofstream(dir_ / "secrets" / "pool01-k1") << "pool01-secret-key-number-one\n";
    std::ofstream(dir_ / "secrets" / "short") << "tiny\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  LoadResult load(const std::string& text) {
    return load_string(text, "avedge.toml", dir_.string());
  }
  std::filesystem::path dir_;
};

const char* kFull = R"([topology]
sip_domains = ["contoso.com"]
default_routing_domain = "contoso.com"

[[edge_pool]]
name = "EDGEPOOL01"
public_fqdn = "av1.contoso.com"
public_ips = ["203.0.113.10"]
internal_fqdn = "edge01.contoso.local"
edges = [{ name = "edge01", internal_ip = "10.0.0.11", public_ip = "203.0.113.10" }]
authorized_internal_servers = ["pool01.contoso.com"]
token_lifetime = "8h"
secrets = [{ id = "k1", file = "secrets/pool01-k1" }, { id = "k2", value = "inline-secret-0123456789" }]
turn_udp_port = 3478
turn_tcp_port = 443

[[edge_pool]]
name = "EDGEPOOL02"
public_fqdn = "av2.contoso.com"

[[frontend_pool]]
name = "POOL01"
fqdn = "pool01.contoso.com"
edge_pool = "EDGEPOOL01"
addresses = ["127.0.0.1"]
api_key = "an-api-key-of-some-length"

[edge]
pool = "EDGEPOOL01"
diagnostic_reasons = true

[mras]
sip_listen = ["tcp://127.0.0.1:5062", "tls://127.0.0.1:5063"]
http_listen = "127.0.0.1:8080"
)";

TEST_F(TopologyLoad, TheWholeSchema) {
  const LoadResult r = load(kFull);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Topology& t = r.config.topology;
  ASSERT_EQ(t.sip_domains.size(), 1U);
  EXPECT_EQ(t.sip_domains[0].where.to_string(), "avedge.toml:2");
  EXPECT_EQ(t.default_routing_domain.value, "contoso.com");
  ASSERT_EQ(t.edge_pools.size(), 2U);
  const EdgePool& p = t.edge_pools[0];
  EXPECT_EQ(p.name.value, "EDGEPOOL01");
  EXPECT_EQ(p.name.where.to_string(), "avedge.toml:6");
  EXPECT_EQ(p.public_fqdn.value, "av1.contoso.com");
  ASSERT_EQ(p.public_ips.size(), 1U);
  EXPECT_EQ(p.public_ips[0].value.to_string(), "203.0.113.10");
  EXPECT_EQ(p.internal_fqdn.value, "edge01.contoso.local");
  ASSERT_EQ(p.edges.size(), 1U);
  EXPECT_EQ(p.edges[0].name.value, "edge01");
  ASSERT_TRUE(p.edges[0].internal_ip.has_value());
  EXPECT_EQ(p.edges[0].internal_ip->value.to_string(), "10.0.0.11");
  EXPECT_EQ(p.authorized_internal_servers.at(0).value, "pool01.contoso.com");
  EXPECT_EQ(p.token_lifetime.value, Seconds{8 * 3600});
  EXPECT_EQ(p.token_lifetime.where.to_string(), "avedge.toml:12");
  ASSERT_EQ(p.secrets.size(), 2U);
  EXPECT_EQ(p.secrets[0].id.value, "k1");
  EXPECT_EQ(p.secrets[0].value.value, "pool01-secret-key-number-one");  // newline stripped
  EXPECT_EQ(p.secrets[1].value.value, "inline-secret-0123456789");
  EXPECT_EQ(p.secrets[1].id.where.to_string(), "avedge.toml:13");
  EXPECT_EQ(p.turn_udp_port.value, 3478);
  EXPECT_EQ(p.turn_tcp_port.value, 443);
  // Defaults of the second pool.
  EXPECT_EQ(t.edge_pools[1].token_lifetime.value, Seconds{8 * 3600});
  EXPECT_EQ(t.edge_pools[1].turn_tcp_port.value, 443);

  ASSERT_EQ(t.frontend_pools.size(), 1U);
  const FrontendPool& f = t.frontend_pools[0];
  EXPECT_EQ(f.fqdn.value, "pool01.contoso.com");
  EXPECT_EQ(f.edge_pool.value, "EDGEPOOL01");
  EXPECT_EQ(f.api_key.value, "an-api-key-of-some-length");
  EXPECT_EQ(t.find_frontend_by_fqdn("POOL01.contoso.com."), &f);
  EXPECT_EQ(t.find_frontend_by_address(*IpAddress::parse("127.0.0.1")), &f);
  EXPECT_EQ(t.find_frontend_by_address(*IpAddress::parse("127.0.0.2")), nullptr);
  EXPECT_EQ(t.find_pool("EDGEPOOL02"), &t.edge_pools[1]);
  EXPECT_EQ(t.find_pool("EDGEPOOL03"), nullptr);

  EXPECT_EQ(t.this_pool.value, "EDGEPOOL01");
  EXPECT_EQ(t.this_pool.where.to_string(), "avedge.toml:29");
  EXPECT_TRUE(t.diagnostic_reasons.value);
  ASSERT_EQ(t.mras.sip_listen.size(), 2U);
  EXPECT_EQ(t.mras.sip_listen[1].url(), "tls://127.0.0.1:5063");
  ASSERT_TRUE(t.mras.http_listen.has_value());
  EXPECT_EQ(t.mras.http_listen->value.to_string(), "127.0.0.1:8080");

  // The runtime objects: this pool's keys and name reach the TURN core.
  const auto keys = pool_keys(t, "EDGEPOOL01");
  ASSERT_EQ(keys.size(), 2U);
  EXPECT_EQ(keys[0].id, "k1");
  const turn::ServerConfig sc = make_server_config(r.config);
  EXPECT_EQ(sc.pool_name, "EDGEPOOL01");
  EXPECT_TRUE(sc.diagnostic_reasons);
  EXPECT_EQ(make_credentials(r.config)->pool(), "EDGEPOOL01");
}

TEST_F(TopologyLoad, InSipDomains) {
  const LoadResult r = load(kFull);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Topology& t = r.config.topology;
  EXPECT_TRUE(t.in_sip_domains("sip:alice@contoso.com"));
  EXPECT_TRUE(t.in_sip_domains("alice@CONTOSO.com"));
  EXPECT_FALSE(t.in_sip_domains("sip:alice@fabrikam.com"));
  EXPECT_FALSE(t.in_sip_domains("sip:alice@sub.contoso.com"));
  EXPECT_FALSE(t.in_sip_domains("contoso.com"));
  EXPECT_FALSE(t.in_sip_domains("@contoso.com"));
}

TEST_F(TopologyLoad, UnknownKeysSuggestTheNearest) {
  const LoadResult r = load(
      "[[edge_pool]]\nname = \"P1\"\npublic_fqdm = \"a.b\"\n"
      "secrets = [{ id = \"k1\", vaule = \"0123456789abcdef\" }]\n"
      "[edge]\ndiagnostic_reason = true\n[mras]\nhttp_lsten = \"127.0.0.1:1\"\n");
  const std::string e = all_errors(r);
  EXPECT_NE(e.find("avedge.toml:3: unknown key \"public_fqdm\" in [[edge_pool]]; did you mean "
                   "\"public_fqdn\"?"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("avedge.toml:4: unknown key \"vaule\" in [secrets]; did you mean \"value\"?"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("avedge.toml:6: unknown key \"diagnostic_reason\" in [edge]; did you mean "
                   "\"diagnostic_reasons\"?"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("avedge.toml:8: unknown key \"http_lsten\" in [mras]; did you mean "
                   "\"http_listen\"?"),
            std::string::npos)
      << e;
}

TEST_F(TopologyLoad, UnknownTableSuggestsArrayOfTables) {
  const LoadResult r = load("[[edge_pools]]\nname = \"P1\"\n");
  ASSERT_EQ(r.errors.size(), 1U) << all_errors(r);
  EXPECT_NE(r.errors[0].to_string().find("did you mean [[edge_pool]]?"), std::string::npos)
      << all_errors(r);
}

TEST_F(TopologyLoad, SecretErrors) {
  const LoadResult r = load(R"([[edge_pool]]
name = "P1"
public_fqdn = "av1.contoso.com"
secrets = [
  { id = "k1", value = "tooshort" },
  { id = "k2", file = "secrets/short" },
  { id = "k3", file = "secrets/missing" },
  { id = "k4", file = "secrets/pool01-k1", value = "0123456789abcdef0" },
  { file = "secrets/pool01-k1" },
  { id = "k 6", value = "0123456789abcdef0" },
  { id = "k7", value = "0123456789abcdef0" },
  { id = "k7", value = "0123456789abcdef1" },
]
)");
  const std::string e = all_errors(r);
  EXPECT_NE(e.find("avedge.toml:5: secrets value: shorter than 16 characters"), std::string::npos)
      << e;
  EXPECT_EQ(e.find("tooshort"), std::string::npos) << "never echo a secret: " << e;
  EXPECT_NE(e.find("avedge.toml:6: secrets file \"secrets/short\": secret shorter than 16"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("avedge.toml:7: secrets file \"secrets/missing\": cannot read the file"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("avedge.toml:8: secrets entry: both file and value"), std::string::npos) << e;
  EXPECT_NE(e.find("avedge.toml:9: secrets entry: needs an id"), std::string::npos) << e;
  EXPECT_NE(e.find("avedge.toml:10: id \"k 6\""), std::string::npos) << e;
  EXPECT_NE(e.find("avedge.toml:12: secret id \"k7\" listed twice (first at avedge.toml:11)"),
            std::string::npos)
      << e;
  ASSERT_EQ(r.config.topology.edge_pools.size(), 1U);
  // k1 (too short) is kept for `avedge check` (rule AVE-SECRET-002, still an error) and k7.
  ASSERT_EQ(r.config.topology.edge_pools[0].secrets.size(), 2U);
  EXPECT_EQ(r.config.topology.edge_pools[0].secrets[0].id.value, "k1");
  EXPECT_EQ(r.errors[0].rule, "AVE-SECRET-002");
}

TEST_F(TopologyLoad, CrossReferencesAreChecked) {
  const LoadResult r = load(R"([topology]
sip_domains = ["contoso.com"]
default_routing_domain = "fabrikam.com"
[[edge_pool]]
name = "EDGEPOOL01"
public_fqdn = "av1.contoso.com"
[[edge_pool]]
name = "EDGEPOOL01"
public_fqdn = "av2.contoso.com"
[[frontend_pool]]
name = "POOL01"
fqdn = "pool01.contoso.com"
edge_pool = "EDGEPOOL10"
[edge]
pool = "SOMETHING"
)");
  const std::string e = all_errors(r);
  EXPECT_NE(e.find("avedge.toml:3: default_routing_domain \"fabrikam.com\" is not one of "
                   "sip_domains"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("avedge.toml:8: [[edge_pool]] \"EDGEPOOL01\" defined twice (first at "
                   "avedge.toml:5)"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("avedge.toml:13: edge_pool \"EDGEPOOL10\" is not an [[edge_pool]]; did you "
                   "mean \"EDGEPOOL01\"?; fix: write edge_pool = \"EDGEPOOL01\""),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("avedge.toml:15: pool \"SOMETHING\" is not an [[edge_pool]]; fix: known "
                   "edge pools: EDGEPOOL01, EDGEPOOL01"),
            std::string::npos)
      << e;
}

TEST_F(TopologyLoad, EdgePoolWithoutEdgePoolsIsOnlyALabel) {
  const LoadResult r = load("[edge]\npool = \"EDGEPOOL01\"\n");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.config.topology.this_pool.value, "EDGEPOOL01");
}

TEST_F(TopologyLoad, RequiredKeysAndBadValues) {
  const LoadResult r = load(R"([[edge_pool]]
public_fqdn = "av1.contoso.com"
[[edge_pool]]
name = "P2"
public_fqdn = "av1 contoso.com"
token_lifetime = "10s"
turn_udp_port = 70000
public_ips = ["203.0.113.300"]
[[frontend_pool]]
name = "F1"
api_key = "short"
[mras]
sip_listen = ["udp://127.0.0.1:5062"]
http_listen = "localhost:8080"
)");
  const std::string e = all_errors(r);
  EXPECT_NE(e.find("avedge.toml:1: [[edge_pool]] without a name"), std::string::npos) << e;
  EXPECT_NE(e.find("avedge.toml:5: public_fqdn \"av1 contoso.com\": ' ' is not allowed"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("avedge.toml:4: [[edge_pool]] P2 has no public_fqdn"), std::string::npos) << e;
  EXPECT_NE(e.find("avedge.toml:6: token_lifetime \"10s\": must be 1m to 180d"), std::string::npos)
      << e;
  EXPECT_NE(e.find("avedge.toml:7: turn_udp_port 70000: must be 1 to 65535"), std::string::npos)
      << e;
  EXPECT_NE(e.find("avedge.toml:8: public_ips \"203.0.113.300\""), std::string::npos) << e;
  EXPECT_NE(e.find("[[frontend_pool]] F1 has no fqdn"), std::string::npos) << e;
  EXPECT_NE(e.find("[[frontend_pool]] F1 has no edge_pool"), std::string::npos) << e;
  EXPECT_NE(e.find("avedge.toml:11: api_key: shorter than 16"), std::string::npos) << e;
  EXPECT_NE(e.find("avedge.toml:13: sip_listen \"udp://127.0.0.1:5062\": MRAS speaks SIP over "
                   "TCP or TLS"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("avedge.toml:14: http_listen \"localhost:8080\": not IP:PORT"),
            std::string::npos)
      << e;
}

TEST_F(TopologyLoad, EdgePoolMustBeAnArrayOfTables) {
  const LoadResult r = load("edge_pool = \"x\"\n");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_NE(r.errors[0].to_string().find("avedge.toml:1: edge_pool: expected [[edge_pool]] tables"),
            std::string::npos)
      << all_errors(r);
}

TEST_F(TopologyLoad, ApiKeyFromFile) {
  const LoadResult r = load(R"([[edge_pool]]
name = "P1"
public_fqdn = "av1.contoso.com"
[[frontend_pool]]
name = "F1"
fqdn = "f1.contoso.com"
edge_pool = "P1"
api_key_file = "secrets/pool01-k1"
)");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.config.topology.frontend_pools[0].api_key.value, "pool01-secret-key-number-one");
  EXPECT_EQ(r.config.topology.frontend_pools[0].api_key.where.to_string(), "avedge.toml:8");
}

TEST(TopologyLoader, KnownKeysIncludeTheTopology) {
  const auto keys = known_keys();
  for (const char* k :
       {"edge.pool", "edge.diagnostic_reasons", "edge_pool.secrets", "edge_pool.secrets.id",
        "frontend_pool.edge_pool", "mras.sip_listen", "topology.sip_domains"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k;
  }
}

}  // namespace
}  // namespace avedge::config

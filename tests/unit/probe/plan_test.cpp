// plan_probe: which front end, which MRAS channel and address, which trust, or why not.
#include <gtest/gtest.h>

#include "probe/probe.hpp"
#include "probe_test_support.hpp"

namespace avedge::probe {
namespace {

const char* const kConfig = R"([topology]
sip_domains = ["contoso.com"]

[[edge_pool]]
name = "EDGEPOOL01"
public_fqdn = "av1.contoso.com"
authorized_internal_servers = ["pool01.contoso.com"]

[[frontend_pool]]
name = "ROGUE"
fqdn = "rogue.contoso.com"
edge_pool = "EDGEPOOL01"
addresses = ["127.0.0.34"]

[[frontend_pool]]
name = "POOL01"
fqdn = "pool01.contoso.com"
edge_pool = "EDGEPOOL01"
addresses = ["10.0.0.21", "127.0.0.1"]
api_key = "pool01-api-key-0123456789"

[mras]
sip_listen = ["tcp://0.0.0.0:5062", "tls://127.0.0.31:5063"]
http_listen = "127.0.0.31:8080"

[tls]
cert = "/etc/avedge/edge.pem"
)";

config::Config load() {
  return test::load_config(kConfig);
}

ProbeOptions opts() {
  ProbeOptions o;
  o.pool = "EDGEPOOL01";
  o.user = "sip:alice@contoso.com";
  return o;
}

TEST(Plan, DefaultsToTheFirstAuthorizedFrontEndOverSipTcp) {
  const auto cfg = load();
  Plan p;
  ASSERT_EQ(plan_probe(cfg, opts(), p), "");
  EXPECT_EQ(p.frontend->name.value, "POOL01");  // ROGUE is first but not authorized
  EXPECT_EQ(p.query.channel, MrasChannel::SipTcp);
  EXPECT_EQ(p.query.server.to_string(), "127.0.0.1:5062");  // 0.0.0.0 reached on loopback
  ASSERT_TRUE(p.query.source_ip.has_value());
  EXPECT_EQ(p.query.source_ip->to_string(), "127.0.0.1");  // its loopback address
  EXPECT_EQ(p.turn_tls.ca_file, "/etc/avedge/edge.pem");   // trust the configured cert
  EXPECT_FALSE(p.turn_tls.insecure);
}

TEST(Plan, AsNameOrFqdnAndClientCertificateChoosesTls) {
  const auto cfg = load();
  auto o = opts();
  o.frontend = "rogue.contoso.com";
  o.cert_file = "rogue.pem";
  Plan p;
  ASSERT_EQ(plan_probe(cfg, o, p), "");
  EXPECT_EQ(p.frontend->name.value, "ROGUE");
  EXPECT_EQ(p.query.channel, MrasChannel::SipTls);
  EXPECT_EQ(p.query.server.to_string(), "127.0.0.31:5063");
  EXPECT_EQ(p.query.tls.cert_file, "rogue.pem");
  EXPECT_EQ(p.query.tls.server_name, "127.0.0.31");
}

TEST(Plan, HttpUsesTheFrontEndsApiKeyOrTheGivenOne) {
  const auto cfg = load();
  auto o = opts();
  o.mras = "http";
  Plan p;
  ASSERT_EQ(plan_probe(cfg, o, p), "");
  EXPECT_EQ(p.query.channel, MrasChannel::Http);
  EXPECT_EQ(p.query.server.to_string(), "127.0.0.31:8080");
  EXPECT_EQ(p.query.api_key, "pool01-api-key-0123456789");
  o.mras.clear();
  o.api_key = "given-key-0123456789";  // implies HTTP
  Plan q;
  ASSERT_EQ(plan_probe(cfg, o, q), "");
  EXPECT_EQ(q.query.channel, MrasChannel::Http);
  EXPECT_EQ(q.query.api_key, "given-key-0123456789");
}

TEST(Plan, GivenCredentialNeedsNoFrontEnd) {
  const auto cfg = load();
  auto o = opts();
  o.username = "dXNlcg==";
  o.password = "cGFzcw==";
  o.insecure = true;
  Plan p;
  ASSERT_EQ(plan_probe(cfg, o, p), "");
  EXPECT_EQ(p.frontend, nullptr);
  EXPECT_EQ(p.pool->name.value, "EDGEPOOL01");
  EXPECT_TRUE(p.turn_tls.insecure);
  o.password.clear();
  EXPECT_EQ(plan_probe(cfg, o, p), "--username and --password go together");
}

TEST(Plan, CouldNotRun) {
  const auto cfg = load();
  auto o = opts();
  Plan p;
  o.pool = "NOPE";
  EXPECT_EQ(plan_probe(cfg, o, p), "--pool NOPE: no such [[edge_pool]] (edge pools: EDGEPOOL01)");
  o = opts();
  o.frontend = "nobody";
  EXPECT_EQ(plan_probe(cfg, o, p), "--as nobody: no [[frontend_pool]] has this name or fqdn");
  o = opts();
  o.mras = "ftp";
  EXPECT_EQ(plan_probe(cfg, o, p), "--mras ftp: write sip or http");
}

}  // namespace
}  // namespace avedge::probe

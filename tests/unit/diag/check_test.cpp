// `avedge check` rules (issue 4, part 1): each rule on a small topology that breaks it, a clean
// topology that yields no finding, and the three incidents of the issue with rule, file:line
// and fix.
#include "diag/check.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/finalize.hpp"
#include "config/loader.hpp"
#include "config/self_signed_cert.hpp"

namespace avedge::diag {
namespace {

constexpr int64_t kDay = 86400;

// A clean two-pool topology; line numbers are asserted below, keep them stable.
const char* const kClean = R"(# line 1
[edge]
listen = ["udp://0.0.0.0:3478", "tcp://20.1.2.10:443"]
relay_ips = ["20.1.2.10"]
relay_ports = "50000-59999"
pool = "EDGEPOOL01"

[topology]
sip_domains = ["contoso.com"]
default_routing_domain = "contoso.com"

[[edge_pool]]
name = "EDGEPOOL01"
public_fqdn = "av1.contoso.com"
public_ips = ["20.1.2.10"]
internal_fqdn = "edge01.contoso.local"
edges = [{ name = "edge01", internal_ip = "10.0.0.11", public_ip = "20.1.2.10" }]
authorized_internal_servers = ["pool01.contoso.com"]
secrets = [{ id = "k1", value = "pool01-secret-key-number-one" }]

[[edge_pool]]
name = "EDGEPOOL02"
public_fqdn = "av2.contoso.com"
public_ips = ["20.1.3.10"]
internal_fqdn = "edge02.contoso.local"
edges = [{ name = "edge02", internal_ip = "10.0.1.11", public_ip = "20.1.3.10" }]
authorized_internal_servers = ["pool02.contoso.com"]
secrets = [{ id = "k1", value = "pool02-secret-key-number-one" }]

[[frontend_pool]]
name = "POOL01"
fqdn = "pool01.contoso.com"
edge_pool = "EDGEPOOL01"

[[frontend_pool]]
name = "POOL02"
fqdn = "pool02.contoso.com"
edge_pool = "EDGEPOOL02"
)";

// The text of kClean with `from` replaced by `to` (once; the test fails when absent).
std::string edit(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string describe(const std::vector<Finding>& fs) {
  std::string s;
  for (const auto& f : fs) {
    s += f.where.to_string() + " " + f.rule + " " + f.message + "\n";
  }
  return s;
}

class Check : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("avedge-check-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    env_.local_addresses = {*IpAddress::parse("127.0.0.1"), *IpAddress::parse("20.1.2.10"),
                            *IpAddress::parse("10.0.0.11")};
    env_.local_addresses_known = true;
    env_.fd_limit = 1 << 20;
    env_.now = static_cast<UnixSeconds>(std::time(nullptr));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Loads and finalizes; the test fails on any load error.
  config::Config load(const std::string& text) {
    config::LoadResult r = config::load_string(text, "avedge.toml", dir_.string());
    for (const auto& e : r.errors) ADD_FAILURE() << e.to_string();
    for (const auto& e : config::finalize(r.config)) ADD_FAILURE() << e.to_string();
    return r.config;
  }
  std::vector<Finding> check(const std::string& text) { return check_config(load(text), env_); }

  // The one finding of `rule`; fails when there is not exactly one.
  static Finding only(const std::vector<Finding>& fs, const std::string& rule) {
    std::vector<Finding> hits;
    std::copy_if(fs.begin(), fs.end(), std::back_inserter(hits),
                 [&](const Finding& f) { return f.rule == rule; });
    EXPECT_EQ(hits.size(), 1U) << describe(fs);
    return hits.empty() ? Finding{} : hits.front();
  }

  std::string write_cert(const std::vector<std::string>& names) {
    const std::string path = (dir_ / "edge.pem").string();
    std::string error;
    EXPECT_TRUE(config::write_self_signed(path, {*IpAddress::parse("20.1.2.10")}, names, error))
        << error;
    return path;
  }
  std::string with_tls(const std::string& cert_path) {
    return edit(kClean, R"("tcp://20.1.2.10:443"])", R"("tls://20.1.2.10:443"])") +
           "\n[tls]\ncert = \"" + cert_path + "\"\n";
  }

  std::filesystem::path dir_;
  CheckEnv env_;
};

TEST_F(Check, CleanTopologyHasNoFinding) {
  const auto fs = check(kClean);
  EXPECT_TRUE(fs.empty()) << describe(fs);
  EXPECT_EQ(exit_status(fs), 0);
}

TEST_F(Check, CleanTopologyWithTlsCertificateHasNoFinding) {
  const auto fs = check(with_tls(write_cert({"av1.contoso.com"})));
  EXPECT_TRUE(fs.empty()) << describe(fs);
}

// Incident 1: a second edge pool configured with the first pool's public A/V name.
TEST_F(Check, IncidentSecondPoolWithFirstPoolsPublicName) {
  const auto fs =
      check(edit(kClean, "public_fqdn = \"av2.contoso.com\"", "public_fqdn = \"av1.contoso.com\""));
  const Finding f = only(fs, "AVE-POOL-001");
  EXPECT_EQ(f.severity, Severity::Error);
  EXPECT_EQ(f.where.to_string(), "avedge.toml:23");
  EXPECT_NE(f.message.find("EDGEPOOL02"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("avedge.toml:14"), std::string::npos) << f.message;
  EXPECT_NE(f.impact.find("no relay or reflexive candidates"), std::string::npos);
  EXPECT_EQ(f.fix,
            "give EDGEPOOL02 its own public name (its own DNS record pointing at its own edges) "
            "in public_fqdn");
  EXPECT_EQ(exit_status(fs), 1);
}

// Incident 2: a front end missing from its edge pool's authorized_internal_servers.
TEST_F(Check, IncidentFrontendNotAuthorized) {
  const auto fs = check(edit(kClean,
                             "name = \"POOL02\"\nfqdn = \"pool02.contoso.com\"\nedge_pool "
                             "= \"EDGEPOOL02\"",
                             "name = \"POOL02\"\nfqdn = \"pool02.contoso.com\"\nedge_pool = "
                             "\"EDGEPOOL01\""));
  const Finding f = only(fs, "AVE-AUTH-001");
  EXPECT_EQ(f.severity, Severity::Error);
  EXPECT_EQ(f.where.to_string(), "avedge.toml:18");
  EXPECT_NE(f.impact.find("SIP 403 (code 9001)"), std::string::npos) << f.impact;
  EXPECT_EQ(f.fix,
            "add \"pool02.contoso.com\" to authorized_internal_servers of edge pool "
            "EDGEPOOL01");
}

TEST_F(Check, FrontendNotAuthorizedWithEmptyListPointsAtThePool) {
  const auto fs = check(edit(kClean, "authorized_internal_servers = [\"pool02.contoso.com\"]", ""));
  const Finding f = only(fs, "AVE-AUTH-001");
  EXPECT_EQ(f.where.to_string(), "avedge.toml:22");  // name = "EDGEPOOL02"
}

// Incident 3: the AD domain instead of the SIP domain as default routing domain. The loader
// keeps the value and tags its error with the rule, so `avedge check` reports the rule (with the
// impact) instead of stopping, while `serve` still refuses the file.
TEST_F(Check, IncidentAdDomainAsDefaultRoutingDomain) {
  const std::string text = edit(kClean, "default_routing_domain = \"contoso.com\"",
                                "default_routing_domain = \"contoso.local\"");
  config::LoadResult r = config::load_string(text, "avedge.toml", dir_.string());
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].where.to_string(), "avedge.toml:10");
  EXPECT_EQ(r.errors[0].rule, "AVE-DOMAIN-001");
  ASSERT_TRUE(only_rule_errors(r.errors));
  const auto fs = check_loaded(r.config, r.errors, env_);
  ASSERT_EQ(fs.size(), 1U) << describe(fs);
  const Finding f = only(fs, "AVE-DOMAIN-001");
  EXPECT_EQ(f.severity, Severity::Error);
  EXPECT_EQ(f.where.to_string(), "avedge.toml:10");
  EXPECT_EQ(f.fix,
            "write default_routing_domain = \"contoso.com\" (a SIP domain, not the AD "
            "domain)");
}

// The same incident when the AD domain was also added to sip_domains: it loads, and check warns.
TEST_F(Check, IncidentAdDomainListedAsSipDomain) {
  std::string text = edit(kClean, "default_routing_domain = \"contoso.com\"",
                          "default_routing_domain = \"contoso.local\"");
  text = edit(text, "sip_domains = [\"contoso.com\"]",
              "sip_domains = [\"contoso.com\", \"contoso.local\"]");
  const auto fs = check(text);
  const Finding f = only(fs, "AVE-DOMAIN-002");
  EXPECT_EQ(f.severity, Severity::Warning);
  EXPECT_EQ(f.where.to_string(), "avedge.toml:10");
  EXPECT_NE(f.message.find("edge01.contoso.local"), std::string::npos) << f.message;
  EXPECT_EQ(f.fix, "write default_routing_domain = \"contoso.com\"");
}

TEST_F(Check, PoolsSharingAPublicIp) {
  const auto fs = check(
      edit(kClean, "public_ips = [\"20.1.3.10\"]", "public_ips = [\"20.1.3.10\", \"20.1.2.10\"]"));
  const Finding f = only(fs, "AVE-POOL-002");
  EXPECT_EQ(f.where.to_string(), "avedge.toml:24");
  EXPECT_NE(f.message.find("avedge.toml:15"), std::string::npos) << f.message;
}

TEST_F(Check, PublicIpsPointingAtAnotherPoolsEdge) {
  // EDGEPOOL02's public name resolves (its public_ips) to edge01 of EDGEPOOL01.
  std::string text = edit(kClean, "public_ips = [\"20.1.2.10\"]", "public_ips = [\"20.1.2.9\"]");
  text = edit(text, "public_ips = [\"20.1.3.10\"]", "public_ips = [\"20.1.2.10\"]");
  const auto fs = check(text);
  const Finding f = only(fs, "AVE-POOL-003");
  EXPECT_EQ(f.where.to_string(), "avedge.toml:24");
  EXPECT_NE(f.message.find("edge edge01 of pool EDGEPOOL01"), std::string::npos) << f.message;
}

TEST_F(Check, PoolWithoutSecrets) {
  const auto fs = check(
      edit(kClean, "secrets = [{ id = \"k1\", value = \"pool02-secret-key-number-one\" }]", ""));
  const Finding f = only(fs, "AVE-SECRET-001");
  EXPECT_EQ(f.where.to_string(), "avedge.toml:22");
}

TEST_F(Check, ShortSecret) {
  // Through the loader: it refuses a short secret for `serve` but keeps it for the rule.
  config::LoadResult r =
      config::load_string(edit(kClean, "\"pool02-secret-key-number-one\"", "\"0123456789abcde\""),
                          "avedge.toml", dir_.string());
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].rule, "AVE-SECRET-002");
  const auto fs = check_loaded(r.config, r.errors, env_);
  ASSERT_EQ(fs.size(), 1U) << describe(fs);
  const Finding f = only(fs, "AVE-SECRET-002");
  EXPECT_EQ(f.where.to_string(), "avedge.toml:28");
  EXPECT_NE(f.fix.find("openssl rand"), std::string::npos) << f.fix;
}

// A rule-tagged load error that no rule reports still becomes a finding (never a silent pass).
TEST_F(Check, DeferredErrorWithoutRuleFindingIsReported) {
  const config::Config cfg = load(kClean);
  const config::Errors deferred{config::ConfigError{
      config::SourcePos{"avedge.toml", 3}, "something the rules missed", "the fix", "AVE-X-001"}};
  const auto fs = check_loaded(cfg, deferred, env_);
  const Finding f = only(fs, "AVE-X-001");
  EXPECT_EQ(f.where.to_string(), "avedge.toml:3");
  EXPECT_EQ(f.fix, "the fix");
  EXPECT_FALSE(only_rule_errors(config::Errors{config::ConfigError{{}, "plain", "", ""}}));
}

TEST_F(Check, RelayRangeSmallerThanQuota) {
  const auto fs = check(edit(kClean, "\"50000-59999\"", "\"50000-50999\""));
  const Finding f = only(fs, "AVE-PORTS-001");
  EXPECT_EQ(f.where.to_string(), "avedge.toml:5");
  EXPECT_EQ(f.fix, "widen relay_ports to at least 10000 ports, or lower quota.total to 1000");
}

TEST_F(Check, RelayRangeBeyondFdLimit) {
  env_.fd_limit = 1024;
  const auto fs = check(kClean);
  const Finding f = only(fs, "AVE-PORTS-002");
  EXPECT_EQ(f.where.to_string(), "avedge.toml:5");
  EXPECT_NE(f.fix.find("LimitNOFILE=10064"), std::string::npos) << f.fix;
}

TEST_F(Check, FastPathInterfaces) {
  env_.interfaces_known = true;
  env_.interfaces = {{"lo", false}, {"eth0", false}, {"eth1", true}};
  const std::string base = edit(kClean, "pool = \"EDGEPOOL01\"",
                                "pool = \"EDGEPOOL01\"\nfast_path = \"tc\"\n"
                                "fast_path_interfaces = [\"lo\", \"eth1\", \"eth0\", \"eth9\"]");
  const auto fs = check(base);
  const Finding missing = only(fs, "AVE-FAST-001");
  EXPECT_EQ(missing.where.to_string(), "avedge.toml:8");
  EXPECT_EQ(missing.message, "fast_path_interfaces: this host has no interface eth9");
  const Finding off = only(fs, "AVE-FAST-002");  // eth0 only: lo needs none, eth1 forwards
  EXPECT_EQ(off.message, "fast path on eth0, where IPv4 forwarding is off");
  EXPECT_NE(off.fix.find("sysctl -w net.ipv4.conf.eth0.forwarding=1"), std::string::npos);
  // Off: the interfaces are not looked at.
  const auto quiet = check(edit(base, "fast_path = \"tc\"", "fast_path = \"off\""));
  EXPECT_TRUE(std::none_of(quiet.begin(), quiet.end(), [](const Finding& f) {
    return f.rule.rfind("AVE-FAST-", 0) == 0;
  })) << describe(quiet);
}

TEST_F(Check, BusyPollingOnEveryCore) {
  const std::string base =
      edit(kClean, "pool = \"EDGEPOOL01\"", "pool = \"EDGEPOOL01\"\nbusy_poll_us = 200");
  const Finding f = only(check(base), "AVE-PERF-001");
  EXPECT_EQ(f.where.to_string(), "avedge.toml:7");
  EXPECT_EQ(f.message, "busy_poll_us = 200 with workers = 0 (one worker per core)");
  // A set number of workers, or no busy polling: nothing to say.
  for (const std::string& text :
       {edit(base, "busy_poll_us = 200", "busy_poll_us = 200\nworkers = 1"), std::string(kClean)}) {
    const auto fs = check(text);
    EXPECT_TRUE(std::none_of(fs.begin(), fs.end(), [](const Finding& x) {
      return x.rule == "AVE-PERF-001";
    })) << describe(fs);
  }
}

TEST_F(Check, PeerPolicyDenyingOwnPublicAddress) {
  // Behind NAT: relays on 10.0.0.11, public 20.1.2.10; a deny_extra covers the public address.
  std::string text = edit(kClean, "relay_ips = [\"20.1.2.10\"]", "relay_ips = [\"10.0.0.11\"]");
  text += "\n[peers]\ndeny_extra = [\"20.1.0.0/16\"]\n";
  const auto fs = check(text);
  // Public address of the pool (public_ips) and of edge01 (edges): both denied.
  std::vector<Finding> hits;
  std::copy_if(fs.begin(), fs.end(), std::back_inserter(hits),
               [](const Finding& f) { return f.rule == "AVE-PEER-001"; });
  ASSERT_EQ(hits.size(), 2U) << describe(fs);
  EXPECT_EQ(hits[0].where.to_string(), "avedge.toml:15");
  EXPECT_EQ(hits[0].fix.substr(0, 29), "add \"20.1.2.10/32\" to [peers]");
}

TEST_F(Check, PeerPolicyAllowsOwnRelayAddressOnRelayPorts) {
  // The relay address itself is inside deny_extra, yet allowed on relay ports.
  const auto fs = check(kClean + std::string("\n[peers]\ndeny_extra = [\"20.1.2.10/32\"]\n"));
  EXPECT_TRUE(fs.empty()) << describe(fs);
}

TEST_F(Check, TlsListenerWithoutCertificate) {
  const auto fs = check(edit(kClean, R"("tcp://20.1.2.10:443"])", R"("tls://20.1.2.10:443"])"));
  const Finding f = only(fs, "AVE-TLS-001");
  EXPECT_EQ(f.severity, Severity::Warning);
  EXPECT_EQ(f.where.to_string(), "avedge.toml:3");
}

TEST_F(Check, UnreadableCertificate) {
  const std::string path = (dir_ / "not-a-cert.pem").string();
  std::ofstream(path) << "hello\n";
  const auto fs = check(with_tls(path));
  const Finding f = only(fs, "AVE-TLS-002");
  EXPECT_EQ(f.where.to_string(), "avedge.toml:41");
}

TEST_F(Check, CertificateNotCoveringPublicFqdn) {
  const auto fs = check(with_tls(write_cert({"av2.contoso.com", "localhost"})));
  const Finding f = only(fs, "AVE-TLS-003");
  EXPECT_EQ(f.where.to_string(), "avedge.toml:41");
  EXPECT_EQ(f.fix, "use a certificate with subjectAltName DNS:av1.contoso.com");
}

TEST_F(Check, WildcardCertificateCoversPublicFqdn) {
  const auto fs = check(with_tls(write_cert({"*.contoso.com"})));
  EXPECT_TRUE(fs.empty()) << describe(fs);
}

TEST_F(Check, ExpiredCertificate) {
  const std::string text = with_tls(write_cert({"av1.contoso.com"}));
  env_.now += 31 * kDay;  // the generated certificate is valid 30 days
  const auto fs = check(text);
  const Finding f = only(fs, "AVE-TLS-004");
  EXPECT_EQ(f.severity, Severity::Error);
  EXPECT_EQ(f.where.to_string(), "avedge.toml:41");
}

TEST_F(Check, CertificateExpiringWithin14Days) {
  const std::string text = with_tls(write_cert({"av1.contoso.com"}));
  env_.now += 20 * kDay;
  const auto fs = check(text);
  const Finding f = only(fs, "AVE-TLS-005");
  EXPECT_EQ(f.severity, Severity::Warning);
}

TEST_F(Check, ListenAddressNotOnThisHost) {
  env_.local_addresses = {*IpAddress::parse("127.0.0.1"), *IpAddress::parse("20.1.2.10")};
  const auto fs = check(edit(kClean, "\"tcp://20.1.2.10:443\"", "\"tcp://20.1.2.99:443\""));
  const Finding f = only(fs, "AVE-LISTEN-001");
  EXPECT_EQ(f.where.to_string(), "avedge.toml:3");
  EXPECT_NE(f.message.find("20.1.2.99"), std::string::npos) << f.message;
}

TEST_F(Check, AnyLoopbackAddressIsLocalWhen127001Is) {
  // RFC 1122 §3.2.1.3: 127.0.0.0/8 is loopback; the tests bind 127.0.0.31 and the like.
  env_.local_addresses = {*IpAddress::parse("127.0.0.1"), *IpAddress::parse("20.1.2.10")};
  const auto fs = check(edit(kClean, "\"tcp://20.1.2.10:443\"", "\"tcp://127.0.0.31:443\""));
  EXPECT_TRUE(std::none_of(fs.begin(), fs.end(), [](const Finding& f) {
    return f.rule == "AVE-LISTEN-001";
  })) << describe(fs);
}

TEST_F(Check, ListenAddressesUncheckedWhenUnknown) {
  env_.local_addresses.clear();
  env_.local_addresses_known = false;
  const auto fs = check(kClean);
  EXPECT_TRUE(fs.empty()) << describe(fs);
}

TEST_F(Check, TokenLifetimeOutOfRange) {
  const std::string with_lifetime =
      edit(kClean, "authorized_internal_servers = [\"pool01.contoso.com\"]",
           "authorized_internal_servers = [\"pool01.contoso.com\"]\ntoken_lifetime = \"30s\"");
  config::LoadResult r = config::load_string(with_lifetime, "avedge.toml", dir_.string());
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].rule, "AVE-TOKEN-001");
  auto fs = check_loaded(r.config, r.errors, env_);
  ASSERT_EQ(fs.size(), 1U) << describe(fs);
  EXPECT_EQ(only(fs, "AVE-TOKEN-001").where.to_string(), "avedge.toml:19");
  EXPECT_EQ(only(fs, "AVE-TOKEN-001").fix, "write token_lifetime = \"8h\"");
  r = config::load_string(edit(with_lifetime, "\"30s\"", "\"181d\""), "avedge.toml", dir_.string());
  fs = check_loaded(r.config, r.errors, env_);
  EXPECT_NE(only(fs, "AVE-TOKEN-001").impact.find("months"), std::string::npos);
  // 180 days is the longest allowed.
  r = config::load_string(edit(with_lifetime, "\"30s\"", "\"180d\""), "avedge.toml", dir_.string());
  EXPECT_TRUE(r.ok());
}

TEST_F(Check, EdgePoolNotSet) {
  const auto fs = check(edit(kClean, "pool = \"EDGEPOOL01\"\n", ""));
  const Finding f = only(fs, "AVE-EDGE-001");
  EXPECT_EQ(f.where.to_string(), "avedge.toml:12");
  EXPECT_EQ(f.fix, "write pool = \"EDGEPOOL01\" in [edge]");
}

TEST(CheckNames, Wildcards) {
  EXPECT_TRUE(name_covers("av1.contoso.com", "AV1.contoso.com."));
  EXPECT_TRUE(name_covers("*.contoso.com", "av1.contoso.com"));
  EXPECT_FALSE(name_covers("*.contoso.com", "a.b.contoso.com"));
  EXPECT_FALSE(name_covers("*.contoso.com", "contoso.com"));
  EXPECT_FALSE(name_covers("av2.contoso.com", "av1.contoso.com"));
}

TEST(CheckOutput, HumanBlocksAndSummary) {
  const std::vector<Finding> fs = {Finding{"AVE-POOL-001", Severity::Error,
                                           config::SourcePos{"avedge.toml", 23}, "msg", "impact",
                                           "the fix"}};
  EXPECT_EQ(format_human(fs, "avedge.toml", false),
            "avedge.toml:23  ERROR  AVE-POOL-001  msg\n  users: impact\n  fix: the fix\n"
            "avedge.toml: 1 error, 0 warnings, 0 info\n");
  EXPECT_NE(format_human(fs, "avedge.toml", true).find("\x1b[1;31mERROR\x1b[0m"),
            std::string::npos);
  EXPECT_EQ(format_human({}, "avedge.toml", false), "avedge.toml: no problems found\n");
}

TEST(CheckOutput, JsonArray) {
  const std::vector<Finding> fs = {Finding{"AVE-TLS-001", Severity::Info,
                                           config::SourcePos{"a.toml", 3}, "say \"hi\"", "i", "f"}};
  EXPECT_EQ(
      format_json(fs),
      "[\n  {\"rule\": \"AVE-TLS-001\", \"severity\": \"info\", \"file\": \"a.toml\", "
      "\"line\": 3, \"message\": \"say \\\"hi\\\"\", \"impact\": \"i\", \"fix\": \"f\"}\n]\n");
  EXPECT_EQ(format_json({}), "[]\n");
  EXPECT_EQ(exit_status(fs), 0);  // info only counts as clean
}

}  // namespace
}  // namespace avedge::diag

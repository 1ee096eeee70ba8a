// check --live's DNS rules over resolved addresses (AVE-LIVE-001..003) with file:line and fix.
#include "probe/live_check.hpp"

#include <gtest/gtest.h>

#include "probe_test_support.hpp"

namespace avedge::probe {
namespace {

// Line numbers are asserted below.
const char* const kTopology = R"([topology]
sip_domains = ["contoso.com"]

[[edge_pool]]
name = "EDGEPOOL01"
public_fqdn = "av1.contoso.com"
public_ips = ["203.0.113.10"]

[[edge_pool]]
name = "EDGEPOOL02"
public_fqdn = "av2.contoso.com"
public_ips = ["203.0.113.20"]
)";

config::Topology topology() {
  return test::load_config(kTopology).topology;
}

IpAddress ip(const char* s) {
  return *IpAddress::parse(s);
}

TEST(LiveDns, CleanWhenEachNameResolvesToItsOwnAddresses) {
  const auto fs = dns_findings(topology(), {{"EDGEPOOL01", {ip("203.0.113.10")}, ""},
                                            {"EDGEPOOL02", {ip("203.0.113.20")}, ""}});
  EXPECT_TRUE(fs.empty());
}

TEST(LiveDns, NameResolvingToAnotherPoolsEdge) {
  const auto fs = dns_findings(topology(), {{"EDGEPOOL01", {ip("203.0.113.10")}, ""},
                                            {"EDGEPOOL02", {ip("203.0.113.10")}, ""}});
  ASSERT_EQ(fs.size(), 1U);
  EXPECT_EQ(fs[0].rule, "AVE-LIVE-001");
  EXPECT_EQ(fs[0].severity, diag::Severity::Error);
  EXPECT_EQ(fs[0].where.to_string(), "avedge.toml:11");
  EXPECT_EQ(fs[0].message,
            "public_fqdn \"av2.contoso.com\" of edge pool EDGEPOOL02 resolves to 203.0.113.10, an "
            "address of edge pool EDGEPOOL01 (avedge.toml:5)");
  EXPECT_EQ(fs[0].fix,
            "point EDGEPOOL02's public name at its own edges (203.0.113.20), or give EDGEPOOL02 "
            "its own name in public_fqdn");
}

TEST(LiveDns, NameThatDoesNotResolve) {
  const auto fs = dns_findings(topology(), {{"EDGEPOOL01", {}, "Name or service not known"}});
  ASSERT_EQ(fs.size(), 1U);
  EXPECT_EQ(fs[0].rule, "AVE-LIVE-002");
  EXPECT_EQ(fs[0].where.to_string(), "avedge.toml:6");
  EXPECT_NE(fs[0].message.find("(Name or service not known)"), std::string::npos);
  EXPECT_EQ(fs[0].fix,
            "create the DNS record av1.contoso.com pointing at EDGEPOOL01's edges "
            "(203.0.113.10)");
}

TEST(LiveDns, NameResolvingToNoneOfItsPublicIps) {
  const auto fs = dns_findings(topology(), {{"EDGEPOOL01", {ip("198.51.100.1")}, ""}});
  ASSERT_EQ(fs.size(), 1U);
  EXPECT_EQ(fs[0].rule, "AVE-LIVE-003");
  EXPECT_EQ(fs[0].severity, diag::Severity::Warning);
}

TEST(LiveDns, UnknownPoolIgnored) {
  EXPECT_TRUE(dns_findings(topology(), {{"NOPE", {}, "x"}}).empty());
}

}  // namespace
}  // namespace avedge::probe

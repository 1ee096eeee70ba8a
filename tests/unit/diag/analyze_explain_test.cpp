// Usernames and error responses as `avedge analyze` explains them, on recorded captures
// (tests/fixtures/analyze/rest_expired.pcapng, pool_foreign.pcapng) and on each error code.
#include <gtest/gtest.h>

#include <string>

#include "auth/pool_credentials.hpp"
#include "diag/analyze.hpp"
#include "diag/analyze_explain.hpp"
#include "diag/analyze_fixtures.hpp"
#include "wire/stun_constants.hpp"

namespace avedge::diag {
namespace {

TEST(AnalyzeExplain, ExpiredTurnRestCredentialInCapture) {
  const FileReport r = analyze_file(fixture("rest_expired.pcapng"));
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].id, "ANA-ERR-401");
  EXPECT_EQ(r.findings[0].message.rfind(
                "user \"1700000000:alice\" (TURN REST name of alice, expires 2023-11-14 22:13:20 "
                "UTC (expired ",
                0),
            0u)
      << r.findings[0].message;
  EXPECT_NE(r.findings[0].message.find("refused with 401: the credential had expired"),
            std::string::npos);
  EXPECT_EQ(r.flows.at(0).allocations, 0u);
}

TEST(AnalyzeExplain, ForeignPoolCredentialInCapture) {
  const FileReport r = analyze_file(fixture("pool_foreign.pcapng"));
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.findings.size(), 1u);
  const AnalyzeFinding& f = r.findings[0];
  EXPECT_NE(f.message.find("(pool credential of EDGEPOOL02 (key k1) for sip:bob@contoso.com, "
                           "expires "),
            std::string::npos)
      << f.message;
  EXPECT_NE(f.message.find("valid for 7 h after this packet"), std::string::npos);
  // the reason phrase avedge put there with diagnostic_reasons = true
  EXPECT_NE(f.message.find("the edge says \"issued by EDGEPOOL02, presented at EDGEPOOL01: "
                           "check [[edge_pool]] EDGEPOOL02 public_fqdn\""),
            std::string::npos)
      << f.message;
  EXPECT_EQ(f.check.rfind("a credential issued by EDGEPOOL02 that this edge refuses", 0), 0u);
  EXPECT_EQ(f.check.find("diagnostic_reasons"), std::string::npos);  // the reason is there
  // the timeline shows the decoded credential on the request
  bool decoded = false;
  for (const TimelineEntry& e : r.timeline) {
    for (const auto& [k, v] : e.attrs)
      decoded |= k == "credential" && v.rfind("pool credential of EDGEPOOL02", 0) == 0;
  }
  EXPECT_TRUE(decoded);
}

TEST(AnalyzeExplain, Usernames) {
  const auto issued = auth::issue_pool_credential("EDGEPOOL01", {"k2", "0123456789abcdef0123"},
                                                  "sip:alice@contoso.com", 1'000'000, Seconds(60));
  const UsernameInfo valid = describe_username(issued.username, 1'000'010);
  EXPECT_EQ(valid.kind, UsernameInfo::Kind::Pool);
  EXPECT_EQ(valid.pool, "EDGEPOOL01");
  EXPECT_FALSE(valid.expired);
  EXPECT_EQ(valid.summary,
            "pool credential of EDGEPOOL01 (key k2) for sip:alice@contoso.com, expires "
            "1970-01-12 13:47:40 UTC (valid for 50 s after this packet)");
  EXPECT_TRUE(describe_username(issued.username, 1'000'061).expired);
  const UsernameInfo rest = describe_username("1000:bob", 999.5);
  EXPECT_EQ(rest.kind, UsernameInfo::Kind::Rest);
  EXPECT_FALSE(rest.expired);
  EXPECT_EQ(describe_username("alice", 0).kind, UsernameInfo::Kind::Static);
  EXPECT_EQ(describe_username("12ab:bob", 0).kind, UsernameInfo::Kind::Static);
  EXPECT_EQ(describe_username(":bob", 0).kind, UsernameInfo::Kind::Static);
}

TEST(AnalyzeExplain, EveryErrorCodeHasACheck) {
  namespace m = stun::method;
  struct Case {
    uint16_t method, code;
    const char* needle;
  };
  const Case cases[] = {
      {m::Allocate, 437, "already has an allocation"},
      {m::Refresh, 437, "no allocation on this 5-tuple"},
      {m::Allocate, 438, "nonce expired"},
      {m::Allocate, 441, "credentials differ"},
      {m::Allocate, 442, "not UDP"},
      {m::Allocate, 486, "quota"},
      {m::Allocate, 508, "no free relay port"},
      {m::Allocate, 440, "no relay address"},
      {m::Allocate, 420, "comprehension-required"},
      {m::CreatePermission, 403, "forbids"},
  };
  for (const Case& c : cases) {
    const Explanation e = explain_error(
        {c.method, c.code, stun::error::default_reason(c.code), true, "alice", "", 0});
    EXPECT_EQ(e.id, "ANA-ERR-" + std::to_string(c.code));
    EXPECT_NE(e.message.find(c.needle), std::string::npos) << e.message;
    EXPECT_FALSE(e.check.empty());
    EXPECT_FALSE(e.normal);
  }
  const Explanation challenge = explain_error({m::Allocate, 401, "", false, "", "", 0});
  EXPECT_TRUE(challenge.normal);
  EXPECT_EQ(explain_error({m::Allocate, 438, "Stale Nonce", true, "a", "", 0}).severity,
            Severity::Warning);
}

}  // namespace
}  // namespace avedge::diag

// The probe's explanations (issue 4): from a response and what the probe knew to one sentence.
#include "probe/explain.hpp"

#include <gtest/gtest.h>

#include "probe_test_support.hpp"
#include "wire/stun_constants.hpp"

namespace avedge::probe {
namespace {

const char* const kTopology = R"([topology]
sip_domains = ["contoso.com"]

[[edge_pool]]
name = "EDGEPOOL01"
public_fqdn = "av1.contoso.com"
public_ips = ["203.0.113.10"]
secrets = [{ id = "k1", value = "0123456789abcdef0123" }]

[[edge_pool]]
name = "EDGEPOOL02"
public_fqdn = "av2.contoso.com"
public_ips = ["203.0.113.20"]
edges = [{ name = "e21", public_ip = "203.0.113.21" }]
secrets = [{ id = "k2", value = "0123456789abcdef0123" }]
)";

config::Topology topology() {
  return test::load_config(kTopology).topology;
}

StunResult error(uint16_t code, std::string reason = {}) {
  StunResult r;
  r.status = StunResult::Status::Error;
  r.code = code;
  r.reason = std::move(reason);
  return r;
}

auth::PoolCredentialInfo cred(std::string pool, UnixSeconds expiry) {
  return {std::move(pool), "k2", expiry, "sip:bob@contoso.com"};
}

TEST(PoolOwning, PublicIpsThenEdgesThenName) {
  const auto t = topology();
  EXPECT_EQ(pool_owning(t, *IpAddress::parse("203.0.113.10"), ""), "EDGEPOOL01");
  EXPECT_EQ(pool_owning(t, *IpAddress::parse("203.0.113.21"), ""), "EDGEPOOL02");
  EXPECT_EQ(pool_owning(t, *IpAddress::parse("198.51.100.1"), "av1.contoso.com"), "EDGEPOOL01");
  EXPECT_EQ(pool_owning(t, *IpAddress::parse("198.51.100.1"), "other"), "");
}

TEST(ExplainAllocate, ForeignPoolNamesIssuerAndEdge) {
  AuthContext c{"av1.contoso.com:3478", cred("EDGEPOOL02", 2000), "EDGEPOOL01", 1000};
  const auto s = explain_allocate(
      error(401,
            "issued by EDGEPOOL02, presented at EDGEPOOL01: check [[edge_pool]] EDGEPOOL02 "
            "public_fqdn"),
      c);
  EXPECT_EQ(s,
            "Allocate on av1.contoso.com:3478 rejected (401): the credential was issued by "
            "EDGEPOOL02, and EDGEPOOL02's public_fqdn points at EDGEPOOL01's edge; fix "
            "[[edge_pool]] EDGEPOOL02 public_fqdn (or its DNS record) (the edge says: issued by "
            "EDGEPOOL02, presented at EDGEPOOL01: check [[edge_pool]] EDGEPOOL02 public_fqdn)");
}

TEST(ExplainAllocate, ForeignPoolWithoutDiagnosticReason) {
  AuthContext c{"h:3478", cred("EDGEPOOL02", 2000), "EDGEPOOL01", 1000};
  // The RFC's default phrase adds nothing: no "(the edge says: ...)".
  const auto s = explain_allocate(error(401, "Unauthenticated"), c);
  EXPECT_NE(s.find("issued by EDGEPOOL02, and EDGEPOOL02's public_fqdn points at EDGEPOOL01"),
            std::string::npos)
      << s;
  EXPECT_EQ(s.find("the edge says"), std::string::npos) << s;
}

TEST(ExplainAllocate, ExpiredCredential) {
  AuthContext c{"h:3478", cred("EDGEPOOL01", 900), "EDGEPOOL01", 1000};
  EXPECT_EQ(explain_allocate(error(401), c),
            "Allocate on h:3478 rejected (401): the credential of EDGEPOOL01 expired 100 s ago; "
            "ask MRAS for a new one");
}

TEST(ExplainAllocate, SamePoolWrongKeyAndNonPoolCredential) {
  AuthContext c{"h:3478", cred("EDGEPOOL01", 2000), "EDGEPOOL01", 1000};
  EXPECT_NE(
      explain_allocate(error(401), c).find("does not accept EDGEPOOL01's credential (key k2)"),
      std::string::npos);
  c.cred.reset();
  EXPECT_EQ(explain_allocate(error(401), c),
            "Allocate on h:3478 rejected (401): wrong username, password or realm");
}

TEST(ExplainAllocate, QuotaCapacityAndOthers) {
  AuthContext c{"h:3478", std::nullopt, "", 0};
  EXPECT_NE(explain_allocate(error(486), c).find("allocation quota is used up"), std::string::npos);
  EXPECT_NE(explain_allocate(error(508), c).find("no relay port left"), std::string::npos);
  EXPECT_EQ(explain_allocate(error(442, "Unsupported Transport Protocol"), c),
            "Allocate on h:3478 rejected (442): 442 Unsupported Transport Protocol");
}

TEST(ExplainPeer, ForbiddenLoopbackIsTheRecommendedTable) {
  const auto s =
      explain_peer_error(error(403), "CreatePermission", *Endpoint::parse("127.0.0.1:40000"));
  EXPECT_EQ(s,
            "CreatePermission rejected (403): the edge's peer policy denies 127.0.0.1: it is in "
            "the recommended deny table (loopback, private, link-local, ...) of [peers] deny = "
            "\"recommended\"; to relay to it, add it to [peers] allow on the edge (serve "
            "--allow-peer 127.0.0.1/32), or probe with --peer and a peer address the edge may "
            "reach");
}

TEST(ExplainPeer, ForbiddenPublicAddressIsAConfiguredDeny) {
  const auto s =
      explain_peer_error(error(403), "ChannelBind", *Endpoint::parse("93.184.216.34:40000"));
  EXPECT_NE(s.find("denies 93.184.216.34: it is in a [peers] deny_extra entry"), std::string::npos)
      << s;
}

TEST(ExplainPeer, OtherCodes) {
  EXPECT_EQ(explain_peer_error(error(443, "Peer Address Family Mismatch"), "ChannelBind",
                               *Endpoint::parse("[2001:db8::1]:5")),
            "ChannelBind for 2001:db8::1 rejected (443 Peer Address Family Mismatch)");
}

TEST(ExplainNoAnswer, UdpBlockedWithAndWithoutAWorkingTransport) {
  const auto ep = *Endpoint::parse("127.0.0.31:3478");
  EXPECT_EQ(explain_no_answer(Proto::Udp, ep, 3000, "TCP 127.0.0.31:443"),
            "no answer on UDP 127.0.0.31:3478 in 3 s: UDP is blocked on the path; TCP "
            "127.0.0.31:443 works");
  EXPECT_EQ(explain_no_answer(Proto::Udp, ep, 1500, ""),
            "no answer on UDP 127.0.0.31:3478 in 1.5 s: UDP is blocked on the path or nothing "
            "listens there");
  EXPECT_NE(explain_no_answer(Proto::Tcp, ep, 3000, "").find("does not answer STUN"),
            std::string::npos);
}

TEST(ExplainMras, RefusalWithCodeNameReasonAndFix) {
  MrasAnswer a;
  a.status = 403;
  a.status_text = "403 Forbidden";
  a.diag_code = 9001;
  a.diag_reason = "rogue.contoso.com is not in authorized_internal_servers";
  const auto s = explain_mras(a, "SIP/TCP 127.0.0.31:5062");
  EXPECT_EQ(s.rfind("MRAS at SIP/TCP 127.0.0.31:5062 refused (403 Forbidden, ms-diagnostics 9001 "
                    "mras.not_authorized_server): rogue.contoso.com is not in "
                    "authorized_internal_servers; fix: Add the front end's FQDN",
                    0),
            0U)
      << s;
}

TEST(ExplainMras, TransportErrorAndUnknownCode) {
  MrasAnswer a;
  a.transport_error = "Connection refused";
  EXPECT_EQ(explain_mras(a, "HTTP 127.0.0.1:8080"),
            "no MRAS answer from HTTP 127.0.0.1:8080: Connection refused");
  MrasAnswer b;
  b.status_text = "403 Forbidden";
  b.diag_code = 9999;
  b.diag_reason = "x";
  EXPECT_EQ(explain_mras(b, "w"), "MRAS at w refused (403 Forbidden, ms-diagnostics 9999): x");
}

TEST(ExplainResult, TimeoutAndTransportError) {
  StunResult t;
  t.status = StunResult::Status::Timeout;
  EXPECT_EQ(explain_result(t, "Refresh", 3000), "Refresh: no answer in 3 s");
  t.status = StunResult::Status::TransportError;
  t.detail = "connection closed by the server";
  EXPECT_EQ(explain_result(t, "Refresh", 3000),
            "Refresh: the connection failed (connection closed by the server)");
}

}  // namespace
}  // namespace avedge::probe

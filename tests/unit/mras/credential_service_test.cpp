#include "mras/credential_service.hpp"

#include <gtest/gtest.h>

#include "auth/pool_credentials.hpp"
#include "mras/authorize.hpp"
#include "mras_test_support.hpp"

namespace avedge::mras {
namespace {

constexpr UnixSeconds kNow = 1'700'000'000;

Requester by_cert(const char* name) {
  return {Channel::SipTls, {name}, std::nullopt, {}};
}
Requester by_addr(const char* ip) {
  return {Channel::SipTcp, {}, IpAddress::parse(ip), {}};
}
Requester by_key(const char* key) {
  return {Channel::Http, {}, std::nullopt, key};
}

class Decision : public ::testing::Test {
 protected:
  config::Topology topo = test::two_pools();
  Counters counters;
  CredentialService svc{topo, "avedge.local", counters};
};

TEST_F(Decision, AuthorizedFrontEndGetsItsHomePoolRelaysNotThisEdgesPool) {
  // This edge serves EDGEPOOL02; POOL01's users live on EDGEPOOL01 (DESIGN.md §3).
  const XmlOutcome o = svc.handle_xml(test::sipe_request(), by_cert("pool01.contoso.com"), kNow);
  ASSERT_TRUE(o.granted()) << o.reason;
  const auto r = parse_response(o.body);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->request_id, "123456");
  EXPECT_EQ(r->version, "1.0");
  const CredentialsResponse& c = r->credentials.at(0);
  EXPECT_EQ(c.relays.at(0).host_name, "av1.contoso.com");
  EXPECT_EQ(c.relays.at(0).location, Location::Internet);
  EXPECT_EQ(*c.relays.at(0).udp_port, 3478);
  EXPECT_EQ(*c.relays.at(0).tcp_port, 443);
  EXPECT_EQ(c.duration_minutes, 480u);
  EXPECT_EQ(c.realm, "avedge.local");
  const auto info = auth::decode_pool_username(c.username);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->pool, "EDGEPOOL01");
  EXPECT_EQ(info->key_id, "k1");
  EXPECT_EQ(info->identity, "sip:alice@contoso.com");
  EXPECT_EQ(info->expiry, kNow + 480 * 60);
  const auth::PoolKey k1{"k1", "0123456789abcdef0123456789abcdef"};
  EXPECT_EQ(c.password, auth::pool_password(k1, c.username));
  EXPECT_EQ(counters.grants.load(), 1u);
  EXPECT_EQ(counters.requests.load(), 1u);
}

TEST_F(Decision, IntranetGetsTheInternalFqdn) {
  const XmlOutcome o = svc.handle_xml(test::sipe_request("sip:bob@contoso.com", "intranet"),
                                      by_addr("10.0.0.2"), kNow);
  ASSERT_TRUE(o.granted());
  const auto r = parse_response(o.body);
  EXPECT_EQ(r->credentials.at(0).relays.at(0).host_name, "edge02.contoso.local");
  EXPECT_EQ(r->credentials.at(0).relays.at(0).location, Location::Intranet);
}

TEST_F(Decision, DurationIsMinOfRequestedAndPoolMaximum) {
  topo.edge_pools[0].token_lifetime = test::L(Seconds{3600});
  CredentialService short_svc{topo, "", counters};
  const XmlOutcome o = short_svc.handle_xml(test::sipe_request(), by_addr("127.0.0.1"), kNow);
  ASSERT_TRUE(o.granted());
  const auto r = parse_response(o.body);
  EXPECT_EQ(r->credentials.at(0).duration_minutes, 60u);
  EXPECT_TRUE(r->credentials.at(0).realm.empty());
  EXPECT_EQ(auth::decode_pool_username(r->credentials.at(0).username)->expiry, kNow + 3600);
  EXPECT_EQ(granted_lifetime(topo.edge_pools[0], 10u), Seconds{600});
  EXPECT_EQ(granted_lifetime(topo.edge_pools[0], std::nullopt), Seconds{3600});
}

TEST_F(Decision, FrontEndMissingFromAuthorizedServersIsRefused9001) {
  const XmlOutcome o = svc.handle_xml(test::sipe_request(), by_cert("rogue.contoso.com"), kNow);
  EXPECT_EQ(o.status, 403);
  ASSERT_TRUE(o.diag.has_value());
  EXPECT_EQ(*o.diag, Diag::NotAuthorizedServer);
  EXPECT_NE(o.reason.find("rogue.contoso.com is not in authorized_internal_servers of edge pool "
                          "EDGEPOOL01"),
            std::string::npos)
      << o.reason;
  EXPECT_EQ(o.body.find("<credentials>"), std::string::npos);
  EXPECT_NE(o.body.find("reasonPhrase=\"Forbidden\""), std::string::npos);
  EXPECT_EQ(counters.refused(Diag::NotAuthorizedServer), 1u);
  EXPECT_EQ(counters.grants.load(), 0u);
}

TEST_F(Decision, UnknownRequesterIsRefused9002) {
  for (const Requester& who :
       {by_cert("stranger.example.net"), by_addr("192.0.2.1"), by_key("wrong"), Requester{}}) {
    const XmlOutcome o = svc.handle_xml(test::sipe_request(), who, kNow);
    EXPECT_EQ(o.status, 403);
    EXPECT_EQ(*o.diag, Diag::UnknownRequester);
    EXPECT_EQ(o.body.find("<credentials>"), std::string::npos);
  }
  // The reason names what was presented, never the key itself.
  const XmlOutcome k = svc.handle_xml(test::sipe_request(), by_key("s3cret-key"), kNow);
  EXPECT_EQ(k.reason.find("s3cret-key"), std::string::npos);
}

TEST_F(Decision, CertificateNamesMatchCaseInsensitivelyAndBeforeAddresses) {
  Requester who = by_cert("POOL01.Contoso.COM.");
  EXPECT_TRUE(authorize(topo, who).ok());
  who.address = IpAddress::parse("10.0.0.66");  // ROGUE's address: the certificate wins
  EXPECT_TRUE(authorize(topo, who).ok());
  EXPECT_EQ(authorize(topo, by_key("key-pool02")).home->name.value, "EDGEPOOL02");
  EXPECT_FALSE(authorize(topo, by_key("key-pool0")).ok());
}

TEST_F(Decision, HomePoolMissingIsRefused9007) {
  topo.frontend_pools[0].edge_pool = test::S("NOPE");
  CredentialService s{topo, "", counters};
  const XmlOutcome o = s.handle_xml(test::sipe_request(), by_addr("127.0.0.1"), kNow);
  EXPECT_EQ(*o.diag, Diag::UnknownHomePool);
}

TEST_F(Decision, IdentityOutsideSipDomainsIsRefused9003) {
  const XmlOutcome o =
      svc.handle_xml(test::sipe_request("sip:mallory@fabrikam.com"), by_addr("127.0.0.1"), kNow);
  EXPECT_EQ(o.status, 403);
  EXPECT_EQ(*o.diag, Diag::IdentityOutsideDomains);
  EXPECT_EQ(o.body.find("<credentials>"), std::string::npos);
}

TEST_F(Decision, PoolWithoutSecretIsRefused9006) {
  topo.edge_pools[0].secrets.clear();
  CredentialService s{topo, "", counters};
  const XmlOutcome o = s.handle_xml(test::sipe_request(), by_addr("127.0.0.1"), kNow);
  EXPECT_EQ(o.status, 500);
  EXPECT_EQ(*o.diag, Diag::NoPoolSecret);
  EXPECT_NE(o.body.find("reasonPhrase=\"Internal Server Error\""), std::string::npos);
}

TEST_F(Decision, MalformedAndVersionMismatchAreXmlErrors) {
  const XmlOutcome m = svc.handle_xml("<request>", by_addr("127.0.0.1"), kNow);
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(*m.diag, Diag::RequestMalformed);
  EXPECT_NE(m.body.find("reasonPhrase=\"Request Malformed\""), std::string::npos);
  const XmlOutcome v = svc.handle_xml(test::sipe_request("sip:a@contoso.com", "internet", "9.9"),
                                      by_addr("127.0.0.1"), kNow);
  EXPECT_EQ(*v.diag, Diag::VersionMismatch);
  EXPECT_NE(v.body.find("reasonPhrase=\"Version Mismatch\""), std::string::npos);
  // An unauthorized requester gets 403 even for a malformed body.
  EXPECT_EQ(svc.handle_xml("<request>", by_addr("192.0.2.9"), kNow).status, 403);
}

TEST_F(Decision, TurnRestGivesHomePoolUris) {
  const RestOutcome o = svc.turn_rest("sip:alice@contoso.com", 3600, by_key("key-pool01"), kNow);
  ASSERT_EQ(o.status, 200) << o.reason;
  EXPECT_EQ(o.ttl, 3600);
  ASSERT_EQ(o.uris.size(), 3u);
  EXPECT_EQ(o.uris[0], "turn:av1.contoso.com:3478?transport=udp");
  EXPECT_EQ(o.uris[1], "turn:av1.contoso.com:443?transport=tcp");
  EXPECT_EQ(o.uris[2], "turns:av1.contoso.com:443?transport=tcp");
  EXPECT_EQ(auth::decode_pool_username(o.username)->pool, "EDGEPOOL01");
  // ttl is capped by the pool maximum; absent means the maximum.
  EXPECT_EQ(svc.turn_rest("alice@contoso.com", 999999, by_key("key-pool01"), kNow).ttl, 8 * 3600);
  EXPECT_EQ(svc.turn_rest("alice@contoso.com", std::nullopt, by_key("key-pool01"), kNow).ttl,
            8 * 3600);
  EXPECT_EQ(svc.turn_rest("alice@contoso.com", 60, by_key("nope"), kNow).status, 403);
  EXPECT_EQ(svc.turn_rest("alice@contoso.com", 60, by_key("key-rogue"), kNow).status, 403);
  EXPECT_EQ(svc.turn_rest("", 60, by_key("key-pool01"), kNow).status, 400);
  EXPECT_EQ(svc.turn_rest("bob@fabrikam.com", 60, by_key("key-pool01"), kNow).status, 403);
}

TEST(MrasSecrets, ConstantTimeCompareIsStillACompare) {
  EXPECT_TRUE(secrets_equal("abc", "abc"));
  EXPECT_FALSE(secrets_equal("abc", "abd"));
  EXPECT_FALSE(secrets_equal("abc", "abcd"));
  EXPECT_FALSE(secrets_equal("", "a"));
}

}  // namespace
}  // namespace avedge::mras

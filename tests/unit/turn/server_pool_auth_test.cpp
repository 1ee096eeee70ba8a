// Pool credentials at the TURN server (issue 3): accepted from this pool, refused with a
// fresh-nonce 401 (RFC 8489 §9.2.4) and a reason code naming the issuer otherwise.
#include <gtest/gtest.h>

#include "auth/pool_credentials.hpp"
#include "turn/pool_rejection.hpp"
#include "turn_test_support.hpp"

namespace avedge::turn::testing {
namespace {

const auth::PoolKey kK1{"k1", "edgepool01-secret-k1"};
const auth::PoolKey kK2{"k2", "edgepool01-secret-k2"};

ServerConfig pool_config(bool diagnostic) {
  ServerConfig c;
  c.pool_name = "EDGEPOOL01";
  c.diagnostic_reasons = diagnostic;
  return c;
}

struct PoolHarness : Harness {
  explicit PoolHarness(bool diagnostic = false) : Harness(pool_config(diagnostic)) {
    creds->set_pool("EDGEPOOL01", {kK1});
  }
  auth::IssuedCredential issue(std::string_view pool, const auth::PoolKey& k,
                               Seconds lifetime = Seconds{3600}) {
    return auth::issue_pool_credential(pool, k, "sip:bob@contoso.com", now.unix, lifetime);
  }
  std::string last_detail(Event e) const {
    for (size_t i = io.events.size(); i-- > 0;) {
      if (io.events[i] == e) return io.details[i];
    }
    return {};
  }
};

std::string reason_of(const Response& r) {
  const auto* a = r.msg.find(stun::attr::ErrorCode);
  return a == nullptr ? std::string() : std::string(stun::decode_error_code(*a)->reason);
}

TEST(ServerPoolAuth, OwnPoolCredentialAllocates) {
  PoolHarness h;
  const auto c = h.issue("EDGEPOOL01", kK1);
  Client cl(h, udp_tuple(), c.username, c.password);
  auto r = cl.allocate();
  ASSERT_TRUE(r && r->parsed);
  EXPECT_EQ(r->msg.cls, stun::Class::Success) << error_code_of(*r);
  EXPECT_TRUE(stun::verify_message_integrity(r->msg, cl.key().md5));
}

TEST(ServerPoolAuth, ForeignPoolGets401WithFreshNonceAndTheEventNamesTheIssuer) {
  PoolHarness h;
  const auto c = h.issue("EDGEPOOL02", kK1);
  Client cl(h, udp_tuple(), c.username, c.password);
  auto r = cl.allocate();
  ASSERT_TRUE(r && r->parsed);
  EXPECT_EQ(error_code_of(*r), 401);
  EXPECT_NE(r->msg.find(stun::attr::Nonce), nullptr);
  EXPECT_NE(r->msg.find(stun::attr::Realm), nullptr);
  EXPECT_EQ(reason_of(*r), "");  // diagnostic_reasons off
  EXPECT_TRUE(h.io.saw(Event::AuthForeignPool));
  EXPECT_EQ(h.server->event_count(Event::AuthForeignPool), 1U);  // counted, per reason
  EXPECT_EQ(h.server->event_count(Event::AuthBadIntegrity), 0U);
  EXPECT_STREQ(reason_code(Event::AuthForeignPool), "auth.foreign_pool");
  EXPECT_EQ(h.last_detail(Event::AuthForeignPool),
            "credential issued by EDGEPOOL02 for sip:bob@contoso.com, presented at EDGEPOOL01: "
            "EDGEPOOL02's public_fqdn probably points at this pool's edge (check [[edge_pool]] "
            "EDGEPOOL02 public_fqdn)");
  EXPECT_EQ(h.server->allocation_count(), 0U);
}

TEST(ServerPoolAuth, DiagnosticReasonsPutTheSentenceInTheReasonPhrase) {
  PoolHarness h(true);
  const auto c = h.issue("EDGEPOOL02", kK1);
  Client cl(h, udp_tuple(), c.username, c.password);
  auto r = cl.allocate();
  ASSERT_TRUE(r && r->parsed);
  EXPECT_EQ(error_code_of(*r), 401);
  const std::string reason = reason_of(*r);
  EXPECT_LE(reason.size(), 127U);  // RFC 8489 §14.8
  EXPECT_EQ(reason,
            "issued by EDGEPOOL02, presented at EDGEPOOL01: check [[edge_pool]] EDGEPOOL02 "
            "public_fqdn");
}

TEST(ServerPoolAuth, UnknownKeyIdHasItsOwnReasonCode) {
  PoolHarness h(true);
  const auto c = h.issue("EDGEPOOL01", kK2);
  Client cl(h, udp_tuple(), c.username, c.password);
  auto r = cl.allocate();
  ASSERT_TRUE(r);
  EXPECT_EQ(error_code_of(*r), 401);
  EXPECT_TRUE(h.io.saw(Event::AuthUnknownKeyId));
  EXPECT_STREQ(reason_code(Event::AuthUnknownKeyId), "auth.unknown_key_id");
  EXPECT_NE(h.last_detail(Event::AuthUnknownKeyId).find("key k2"), std::string::npos);
  EXPECT_NE(reason_of(*r).find("k2"), std::string::npos);
}

TEST(ServerPoolAuth, BadPasswordIsBadIntegrity) {
  PoolHarness h;
  const auto c = h.issue("EDGEPOOL01", kK1);
  Client cl(h, udp_tuple(), c.username, auth::pool_password(kK2, c.username));
  auto r = cl.allocate();
  ASSERT_TRUE(r);
  EXPECT_EQ(error_code_of(*r), 401);
  EXPECT_TRUE(h.io.saw(Event::AuthBadIntegrity));
  EXPECT_NE(h.last_detail(Event::AuthBadIntegrity).find("EDGEPOOL01 key k1"), std::string::npos);
}

TEST(ServerPoolAuth, ExpiredOnAllocate) {
  PoolHarness h;
  const auto c = h.issue("EDGEPOOL01", kK1, Seconds{60});
  h.advance(Seconds{61});
  Client cl(h, udp_tuple(), c.username, c.password);
  auto r = cl.allocate();
  ASSERT_TRUE(r);
  EXPECT_EQ(error_code_of(*r), 401);
  EXPECT_TRUE(h.io.saw(Event::AuthExpiredCredential));
  EXPECT_NE(h.last_detail(Event::AuthExpiredCredential).find("expired 1 s ago"), std::string::npos)
      << h.last_detail(Event::AuthExpiredCredential);
}

TEST(ServerPoolAuth, ExpiryBetweenAllocateAndRefreshGetsRefresh401) {
  PoolHarness h;
  const auto c = h.issue("EDGEPOOL01", kK1, Seconds{120});
  Client cl(h, udp_tuple(), c.username, c.password);
  ASSERT_EQ(cl.allocate()->msg.cls, stun::Class::Success);
  h.advance(Seconds{60});
  ASSERT_EQ(cl.refresh(600)->msg.cls, stun::Class::Success);  // still valid
  h.advance(Seconds{100});  // the allocation lives on, the credential does not
  auto r = cl.refresh(600);
  ASSERT_TRUE(r);
  EXPECT_EQ(error_code_of(*r), 401);
  EXPECT_NE(r->msg.find(stun::attr::Nonce), nullptr);
  EXPECT_TRUE(h.io.saw(Event::AuthExpiredCredential));
  EXPECT_EQ(h.server->allocation_count(), 1U);  // it expires on its own lifetime
}

TEST(ServerPoolAuth, RotationKeepsOldCredentialsWhileTheKeyIsListed) {
  PoolHarness h;
  const auto old_cred = h.issue("EDGEPOOL01", kK1);
  h.creds->set_pool("EDGEPOOL01", {kK2, kK1});
  {
    Client cl(h, udp_tuple("198.51.100.7:40001"), old_cred.username, old_cred.password);
    EXPECT_EQ(cl.allocate()->msg.cls, stun::Class::Success);
  }
  h.creds->set_pool("EDGEPOOL01", {kK2});
  {
    Client cl(h, udp_tuple("198.51.100.7:40002"), old_cred.username, old_cred.password);
    auto r = cl.allocate();
    EXPECT_EQ(error_code_of(*r), 401);
    EXPECT_TRUE(h.io.saw(Event::AuthUnknownKeyId));
  }
  const auto new_cred = h.issue("EDGEPOOL01", kK2);
  Client cl(h, udp_tuple("198.51.100.7:40003"), new_cred.username, new_cred.password);
  EXPECT_EQ(cl.allocate()->msg.cls, stun::Class::Success);
}

TEST(PoolRejection, LongNamesAreShortenedToTheRfcLimit) {
  auth::PoolCredentialInfo info{std::string(64, 'P'), "k1", 0, "sip:someone@contoso.com"};
  const auto r =
      describe_pool_rejection(auth::LookupStatus::ForeignPool, info, std::string(64, 'Q'), 100);
  EXPECT_GT(r.sentence.size(), 127U);
  EXPECT_LE(r.reason_phrase.size(), 127U);
  EXPECT_EQ(cut_utf8("h\xc3\xa9llo", 2), "h");  // never splits "é"
  EXPECT_EQ(cut_utf8("abc", 5), "abc");
}

}  // namespace
}  // namespace avedge::turn::testing

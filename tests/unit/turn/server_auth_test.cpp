// The long-term credential mechanism as turn::Server applies it (RFC 8489 §9.2.4).
#include <gtest/gtest.h>

#include "turn_test_support.hpp"

namespace avedge::turn::testing {
namespace {

std::vector<uint8_t> bare_allocate(const stun::TransactionId& tid) {
  std::vector<uint8_t> buf(256);
  stun::Builder b(buf, stun::method::Allocate, stun::Class::Request, tid);
  b.add_requested_transport(stun::kProtoUdp);
  buf.resize(b.size());
  return buf;
}

TEST(ServerAuth, UnauthenticatedAllocateGets401WithRealmNonceAndNoReasonPhrase) {
  Harness h;
  Client c(h, udp_tuple());
  auto rs = c.send(bare_allocate(new_tid()));
  ASSERT_EQ(rs.size(), 1U);
  ASSERT_TRUE(rs[0]->parsed);
  EXPECT_EQ(rs[0]->msg.cls, stun::Class::Error);
  EXPECT_EQ(error_code_of(*rs[0]), 401);
  const auto* realm = rs[0]->msg.find(stun::attr::Realm);
  ASSERT_NE(realm, nullptr);
  EXPECT_EQ(stun::decode_string(*realm), "avedge.test");
  const auto* nonce = rs[0]->msg.find(stun::attr::Nonce);
  ASSERT_NE(nonce, nullptr);
  EXPECT_TRUE(stun::decode_string(*nonce).starts_with("obMatJos2"));
  EXPECT_NE(rs[0]->msg.find(stun::attr::PasswordAlgorithms), nullptr);
  EXPECT_EQ(stun::decode_error_code(*rs[0]->msg.find(stun::attr::ErrorCode))->reason, "");
  EXPECT_EQ(rs[0]->msg.find(stun::attr::Software), nullptr);
  EXPECT_EQ(rs[0]->msg.message_integrity, nullptr);
  EXPECT_TRUE(h.io.saw(Event::AuthMissing));
  EXPECT_EQ(h.server->allocation_count(), 0U);
}

TEST(ServerAuth, CorrectCredentialsAllocateAndResponseIsSigned) {
  Harness h;
  Client c(h, udp_tuple());
  auto r = c.allocate();
  ASSERT_TRUE(r && r->parsed);
  ASSERT_EQ(r->msg.cls, stun::Class::Success) << error_code_of(*r);
  ASSERT_NE(r->msg.message_integrity, nullptr);
  EXPECT_TRUE(stun::verify_message_integrity(r->msg, c.key().md5));
}

TEST(ServerAuth, WrongPasswordGets401AndNoAllocation) {
  Harness h;
  Client c(h, udp_tuple(), "alice", "wrong");
  auto r = c.allocate();
  ASSERT_TRUE(r);
  EXPECT_EQ(error_code_of(*r), 401);
  EXPECT_TRUE(h.io.saw(Event::AuthBadIntegrity));
  EXPECT_EQ(h.server->event_count(Event::AuthBadIntegrity), 1U);
  EXPECT_EQ(h.server->event_count(Event::AuthUnknownUser), 0U);
  EXPECT_EQ(h.server->allocation_count(), 0U);
}

TEST(ServerAuth, UnknownUserGets401) {
  Harness h;
  Client c(h, udp_tuple(), "mallory", "x");
  auto r = c.allocate();
  ASSERT_TRUE(r);
  EXPECT_EQ(error_code_of(*r), 401);
  EXPECT_TRUE(h.io.saw(Event::AuthUnknownUser));
}

TEST(ServerAuth, StaleNonceGets438AndClientRecovers) {
  Harness h;
  Client c(h, udp_tuple());
  ASSERT_EQ(c.allocate()->msg.cls, stun::Class::Success);
  const std::string old = c.nonce;
  h.advance(h.cfg.nonce_lifetime + Seconds{5});
  // The first attempt with the old nonce gets 438; the client retries with the new one.
  auto r = c.refresh(600);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->msg.cls, stun::Class::Success);
  EXPECT_TRUE(h.io.saw(Event::AuthStaleNonce));
  EXPECT_NE(c.nonce, old);
}

TEST(ServerAuth, NonceIssuedToAnotherAddressIsRejected) {
  Harness h;
  Client a(h, udp_tuple("198.51.100.7:40000"));
  ASSERT_EQ(a.allocate()->msg.cls, stun::Class::Success);
  Client b(h, udp_tuple("198.51.100.8:40000"));
  b.nonce = a.nonce;  // replayed from elsewhere
  auto tid = new_tid();
  auto rs = b.send(b.request(
      stun::method::Allocate, [](stun::Builder& x) { x.add_requested_transport(17); }, tid));
  ASSERT_EQ(rs.size(), 1U);
  EXPECT_EQ(error_code_of(*rs[0]), 438);
  EXPECT_TRUE(h.io.saw(Event::AuthInvalidNonce));
  EXPECT_EQ(h.server->allocation_count(), 1U);
}

TEST(ServerAuth, IntegrityWithoutUsernameIs400) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  std::vector<uint8_t> buf(256);
  stun::Builder b(buf, stun::method::Refresh, stun::Class::Request, new_tid());
  b.add_string(stun::attr::Realm, Harness::kRealm);
  b.add_string(stun::attr::Nonce, c.nonce);
  b.add_message_integrity(c.key().md5);
  buf.resize(b.size());
  auto rs = c.send(buf);
  ASSERT_EQ(rs.size(), 1U);
  EXPECT_EQ(error_code_of(*rs[0]), 400);
}

TEST(ServerAuth, EveryTurnRequestIsAuthenticatedNotOnlyAllocate) {
  Harness h;
  Client c(h, udp_tuple());
  ASSERT_EQ(c.allocate()->msg.cls, stun::Class::Success);
  const Endpoint peer = *Endpoint::parse("8.8.8.8:5000");
  for (uint16_t method :
       {stun::method::Refresh, stun::method::CreatePermission, stun::method::ChannelBind}) {
    auto rs = c.send(c.request(
        method,
        [&](stun::Builder& b) {
          b.add_channel_number(0x4001);
          b.add_xor_address(stun::attr::XorPeerAddress, peer);
        },
        new_tid(), /*sign=*/false));
    ASSERT_EQ(rs.size(), 1U) << method;
    EXPECT_EQ(error_code_of(*rs[0]), 401) << method;
  }
  // Tampering with a signed request after signing breaks MESSAGE-INTEGRITY.
  auto req = c.request(
      stun::method::CreatePermission,
      [&](stun::Builder& b) { b.add_xor_address(stun::attr::XorPeerAddress, peer); }, new_tid());
  req[27] ^= 0x01;  // inside XOR-PEER-ADDRESS
  auto rs = c.send(req);
  ASSERT_EQ(rs.size(), 1U);
  EXPECT_EQ(error_code_of(*rs[0]), 401);
}

TEST(ServerAuth, AnotherUserOnTheSameAllocationGets441) {
  Harness h;
  Client alice(h, udp_tuple());
  ASSERT_EQ(alice.allocate()->msg.cls, stun::Class::Success);
  Client bob(h, udp_tuple(), "bob", "hunter2");  // same 5-tuple, other credentials
  auto r = bob.refresh(600);
  ASSERT_TRUE(r);
  EXPECT_EQ(error_code_of(*r), 441);
}

TEST(ServerAuth, RestCredentialsWithRotatedSecretsAreAccepted) {
  Harness h;
  h.creds->set_rest_secrets({"new-secret", "old-secret"});
  const std::string user = std::to_string(h.now.unix + 3600) + ":carol";
  Client c(h, udp_tuple(), user, auth::CredentialStore::rest_password("old-secret", user));
  auto r = c.allocate();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->msg.cls, stun::Class::Success) << error_code_of(*r);
}

TEST(ServerAuth, ExpiredRestCredentialGets401) {
  Harness h;
  h.creds->set_rest_secrets({"s"});
  const std::string user = std::to_string(h.now.unix - 10) + ":carol";
  Client c(h, udp_tuple(), user, auth::CredentialStore::rest_password("s", user));
  auto r = c.allocate();
  ASSERT_TRUE(r);
  EXPECT_EQ(error_code_of(*r), 401);
  EXPECT_TRUE(h.io.saw(Event::AuthExpiredCredential));
}

TEST(ServerAuth, Sha256PasswordAlgorithmAndIntegrity) {
  Harness h;
  Client c(h, udp_tuple());
  ASSERT_EQ(c.allocate()->msg.cls, stun::Class::Success);  // learns the nonce
  const auto key = auth::make_long_term_key("alice", Harness::kRealm, "secret");
  std::vector<uint8_t> buf(512);
  stun::Builder b(buf, stun::method::Refresh, stun::Class::Request, new_tid());
  const std::array<uint16_t, 2> algs{stun::kAlgSha256, stun::kAlgMd5};
  b.add_password_algorithms(algs);
  b.add_password_algorithm(stun::kAlgSha256);
  b.add_string(stun::attr::Username, "alice");
  b.add_string(stun::attr::Realm, Harness::kRealm);
  b.add_string(stun::attr::Nonce, c.nonce);
  b.add_message_integrity_sha256(key.sha256);
  buf.resize(b.size());
  auto rs = c.send(buf);
  ASSERT_EQ(rs.size(), 1U);
  ASSERT_EQ(rs[0]->msg.cls, stun::Class::Success) << error_code_of(*rs[0]);
  ASSERT_NE(rs[0]->msg.message_integrity_sha256, nullptr);
  EXPECT_TRUE(stun::verify_message_integrity_sha256(rs[0]->msg, key.sha256));
}

TEST(ServerAuth, PasswordAlgorithmsBidDownIs400) {
  Harness h;
  Client c(h, udp_tuple());
  ASSERT_EQ(c.allocate()->msg.cls, stun::Class::Success);
  std::vector<uint8_t> buf(512);
  stun::Builder b(buf, stun::method::Refresh, stun::Class::Request, new_tid());
  const std::array<uint16_t, 1> algs{stun::kAlgMd5};  // not what the server offered
  b.add_password_algorithms(algs);
  b.add_password_algorithm(stun::kAlgMd5);
  b.add_string(stun::attr::Username, "alice");
  b.add_string(stun::attr::Realm, Harness::kRealm);
  b.add_string(stun::attr::Nonce, c.nonce);
  b.add_message_integrity(c.key().md5);
  buf.resize(b.size());
  auto rs = c.send(buf);
  ASSERT_EQ(rs.size(), 1U);
  EXPECT_EQ(error_code_of(*rs[0]), 400);
  EXPECT_TRUE(h.io.saw(Event::AuthBidDown));
}

}  // namespace
}  // namespace avedge::turn::testing

// Pool credentials (DESIGN.md §3): the username carries pool, key id, expiry and identity;
// any edge of the pool validates them with its key list; other edges can read who issued them.
#include "auth/pool_credentials.hpp"

#include <gtest/gtest.h>

#include <string>

#include "auth/credentials.hpp"
#include "core/crypto.hpp"

namespace avedge::auth {
namespace {

constexpr UnixSeconds kNow = 1'700'000'000;
const PoolKey kK1{"k1", "pool-two-secret-number-1"};
const PoolKey kK2{"k2", "pool-two-secret-number-2"};

TEST(PoolCredentials, RoundTrip) {
  const auto c =
      issue_pool_credential("EDGEPOOL02", kK1, "sip:bob@contoso.com", kNow, Seconds{8 * 3600});
  ASSERT_FALSE(c.username.empty());
  EXPECT_EQ(c.expiry, kNow + 8 * 3600);
  // Both are base64 (libnice decodes them) and fit STUN's USERNAME (RFC 8489 §14.3).
  EXPECT_TRUE(crypto::base64_decode(c.username).has_value());
  EXPECT_TRUE(crypto::base64_decode(c.password).has_value());
  EXPECT_LE(c.username.size(), 509U);
  EXPECT_EQ(c.username.find(':'), std::string::npos);
  const auto info = decode_pool_username(c.username);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->pool, "EDGEPOOL02");
  EXPECT_EQ(info->key_id, "k1");
  EXPECT_EQ(info->expiry, kNow + 8 * 3600);
  EXPECT_EQ(info->identity, "sip:bob@contoso.com");
  EXPECT_EQ(c.password, pool_password(kK1, c.username));
  EXPECT_NE(c.password, pool_password(kK2, c.username));
}

TEST(PoolCredentials, LongestFieldsStayUnder509Bytes) {
  const PoolKey k{std::string(kMaxKeyId, 'k'), "0123456789abcdef"};
  const auto c = issue_pool_credential(std::string(kMaxPoolName, 'P'), k,
                                       std::string(kMaxIdentity, 'i'), kNow, Seconds{60});
  ASSERT_FALSE(c.username.empty());
  EXPECT_LE(c.username.size(), 509U);
  EXPECT_TRUE(decode_pool_username(c.username).has_value());
}

TEST(PoolCredentials, RefusesBadInputsWhenIssuing) {
  EXPECT_TRUE(issue_pool_credential("", kK1, "a@b", kNow, Seconds{60}).username.empty());
  EXPECT_TRUE(
      issue_pool_credential(std::string(kMaxPoolName + 1, 'P'), kK1, "a@b", kNow, Seconds{60})
          .username.empty());
  EXPECT_TRUE(issue_pool_credential("P", kK1, "", kNow, Seconds{60}).username.empty());
  EXPECT_TRUE(issue_pool_credential("P", kK1, "a\nb", kNow, Seconds{60}).username.empty());
  EXPECT_TRUE(issue_pool_credential("P O", kK1, "a@b", kNow, Seconds{60}).username.empty());
}

TEST(PoolCredentials, DecodeRejectsRestStaticAndGarbage) {
  for (const char* s : {"1700000000:alice", "alice", "dev", "abcd", "", "====", "YXYB",
                        "YXYBAA==", "not base64 at all!", "QUJDREVGR0g=", "1700000000:YXYB"}) {
    EXPECT_FALSE(decode_pool_username(s).has_value()) << s;
  }
  // A valid record with one byte more or less, or another version byte.
  const auto c = issue_pool_credential("P1", kK1, "sip:a@b", kNow, Seconds{60});
  auto raw = *crypto::base64_decode(c.username);
  auto longer = raw;
  longer.push_back(0);
  EXPECT_FALSE(decode_pool_username(crypto::base64_encode(longer)).has_value());
  auto shorter = raw;
  shorter.pop_back();
  EXPECT_FALSE(decode_pool_username(crypto::base64_encode(shorter)).has_value());
  auto v2 = raw;
  v2[2] = 2;
  EXPECT_FALSE(decode_pool_username(crypto::base64_encode(v2)).has_value());
  auto ctl = raw;
  ctl.back() = '\x01';
  EXPECT_FALSE(decode_pool_username(crypto::base64_encode(ctl)).has_value());
  EXPECT_FALSE(decode_pool_username(std::string(4000, 'A')).has_value());
}

TEST(PoolCredentials, DecodeSurvivesRandomInput) {
  // Every truncation and random bytes: no crash, no exception (tests/fuzz covers more).
  const auto c = issue_pool_credential("EDGEPOOL01", kK1, "sip:a@b", kNow, Seconds{60});
  for (size_t n = 0; n <= c.username.size(); ++n) {
    (void)decode_pool_username(std::string_view(c.username).substr(0, n));
  }
  std::array<uint8_t, 64> buf{};
  for (int i = 0; i < 2000; ++i) {
    crypto::random_bytes(buf);
    const size_t n = buf[0] % buf.size();
    auto text = crypto::base64_encode(std::span<const uint8_t>(buf).subspan(0, n));
    if (n > 3 && i % 2 == 0) text.replace(0, 4, "YXYB");  // with the right magic and version
    (void)decode_pool_username(text);
  }
}

// --- the store ------------------------------------------------------------------------------

class PoolStore : public ::testing::Test {
 protected:
  PoolStore() : store("avedge.test") { store.set_pool("EDGEPOOL02", {kK1}); }
  CredentialStore store;
};

TEST_F(PoolStore, OwnPoolKnownKeyIsOkWithTheDerivedKey) {
  const auto c =
      issue_pool_credential("EDGEPOOL02", kK1, "sip:bob@contoso.com", kNow, Seconds{3600});
  const auto r = store.lookup(c.username, kNow);
  ASSERT_EQ(r.status, LookupStatus::Ok);
  ASSERT_EQ(r.keys.size(), 1U);
  const auto expect = make_long_term_key(c.username, "avedge.test", c.password);
  EXPECT_EQ(r.keys[0].md5, expect.md5);
  ASSERT_TRUE(r.pool_info.has_value());
  EXPECT_EQ(r.pool_info->identity, "sip:bob@contoso.com");
}

TEST_F(PoolStore, ForeignPool) {
  const auto c =
      issue_pool_credential("EDGEPOOL01", kK1, "sip:bob@contoso.com", kNow, Seconds{3600});
  const auto r = store.lookup(c.username, kNow);
  EXPECT_EQ(r.status, LookupStatus::ForeignPool);
  EXPECT_TRUE(r.keys.empty());
  ASSERT_TRUE(r.pool_info.has_value());
  EXPECT_EQ(r.pool_info->pool, "EDGEPOOL01");
  EXPECT_STREQ(to_string(r.status), "foreign_pool");
}

TEST_F(PoolStore, UnknownKeyIdAndExpired) {
  const auto c2 = issue_pool_credential("EDGEPOOL02", kK2, "sip:a@b", kNow, Seconds{3600});
  EXPECT_EQ(store.lookup(c2.username, kNow).status, LookupStatus::UnknownKeyId);
  EXPECT_STREQ(to_string(LookupStatus::UnknownKeyId), "unknown_key_id");
  const auto c1 = issue_pool_credential("EDGEPOOL02", kK1, "sip:a@b", kNow, Seconds{60});
  EXPECT_EQ(store.lookup(c1.username, kNow + 60).status, LookupStatus::Ok);
  EXPECT_EQ(store.lookup(c1.username, kNow + 61).status, LookupStatus::Expired);
}

TEST_F(PoolStore, Rotation) {
  const auto old_cred = issue_pool_credential("EDGEPOOL02", kK1, "sip:a@b", kNow, Seconds{3600});
  store.set_pool("EDGEPOOL02", {kK2, kK1});  // k2 added (and now first)
  EXPECT_EQ(store.lookup(old_cred.username, kNow).status, LookupStatus::Ok);
  store.set_pool("EDGEPOOL02", {kK2});  // k1 removed
  EXPECT_EQ(store.lookup(old_cred.username, kNow).status, LookupStatus::UnknownKeyId);
}

TEST_F(PoolStore, RestAndStaticStillWork) {
  store.add_static_user("alice", "pw");
  store.set_rest_secrets({"rest-secret-0123456789"});
  EXPECT_EQ(store.lookup("alice", kNow).status, LookupStatus::Ok);
  EXPECT_FALSE(store.lookup("alice", kNow).pool_info.has_value());
  const auto rest = store.lookup("1800000000:alice", kNow);
  EXPECT_EQ(rest.status, LookupStatus::Ok);
  EXPECT_FALSE(rest.pool_info.has_value());
}

}  // namespace
}  // namespace avedge::auth

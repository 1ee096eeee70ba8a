#include "auth/credentials.hpp"

#include <gtest/gtest.h>

#include <string>

namespace avedge::auth {
namespace {

constexpr UnixSeconds kNow = 1'600'000'000;

std::string hex(std::span<const uint8_t> b) {
  return crypto::hex(b);
}

TEST(LongTermKey, KnownValues) {
  // printf 'user:realm:pass' | md5sum ; ... | sha256sum
  const LongTermKey k = make_long_term_key("user", "realm", "pass");
  EXPECT_EQ(hex(k.md5), "8493fbc53ba582fb4c044c456bdc40eb");
  EXPECT_EQ(hex(k.sha256), "07e934117abd40836e7c6329b54731b2b2d2a5f9a71f544922d75e0730d8251b");
}

TEST(CredentialStore, StaticUser) {
  CredentialStore s("example.org");
  EXPECT_EQ(s.realm(), "example.org");
  s.add_static_user("bob", "s3cret");
  const LookupResult r = s.lookup("bob", kNow);
  EXPECT_EQ(r.status, LookupStatus::Ok);
  ASSERT_EQ(r.keys.size(), 1u);
  // printf 'bob:example.org:s3cret' | md5sum
  EXPECT_EQ(hex(r.keys[0].md5), "92ca0a21bcc884486a870b2215de9c8f");
  EXPECT_EQ(s.lookup("alice", kNow).status, LookupStatus::UnknownUser);
  EXPECT_TRUE(s.lookup("alice", kNow).keys.empty());
  EXPECT_EQ(s.lookup("Bob", kNow).status, LookupStatus::UnknownUser);  // bytes as given
}

TEST(CredentialStore, RestPasswordKnownValue) {
  // echo -n "1700000000:alice" | openssl dgst -sha1 -hmac secret -binary | base64
  EXPECT_EQ(CredentialStore::rest_password("secret", "1700000000:alice"),
            "d8soP47RbdIKLDUOpnJPVQyq5Ts=");
  EXPECT_EQ(CredentialStore::rest_password("secret2", "1700000000:alice"),
            "zRSSW1P3gxN0GUHVejogO/qiNv8=");
}

TEST(CredentialStore, RestUserOneKeyPerSecret) {
  CredentialStore s("example.org");
  s.set_rest_secrets({"secret", "secret2"});
  const LookupResult r = s.lookup("1700000000:alice", kNow);
  ASSERT_EQ(r.status, LookupStatus::Ok);
  ASSERT_EQ(r.keys.size(), 2u);
  // printf '1700000000:alice:example.org:d8soP47RbdIKLDUOpnJPVQyq5Ts=' | md5sum
  EXPECT_EQ(hex(r.keys[0].md5), "bf622ddfc24fa081c8e1cac50bba10cb");
  const LongTermKey k2 =
      make_long_term_key("1700000000:alice", "example.org", "zRSSW1P3gxN0GUHVejogO/qiNv8=");
  EXPECT_EQ(r.keys[1].md5, k2.md5);
  EXPECT_EQ(r.keys[1].sha256, k2.sha256);
  EXPECT_NE(r.keys[0].md5, r.keys[1].md5);
}

TEST(CredentialStore, RestExpiry) {
  CredentialStore s("example.org");
  s.set_rest_secrets({"secret"});
  EXPECT_EQ(s.lookup("1599999999:alice", kNow).status, LookupStatus::Expired);
  EXPECT_TRUE(s.lookup("1599999999:alice", kNow).keys.empty());
  EXPECT_EQ(s.lookup("1:alice", kNow).status, LookupStatus::Expired);
  EXPECT_EQ(s.lookup("1600000000:alice", kNow).status, LookupStatus::Ok);  // not yet past
  EXPECT_EQ(s.lookup("1600000001:alice", kNow).status, LookupStatus::Ok);
}

TEST(CredentialStore, RestMalformed) {
  CredentialStore s("example.org");
  s.set_rest_secrets({"secret"});
  // Colon present but the expiry is not strictly digits / does not fit int64 / no user part.
  for (std::string_view bad :
       {"alice:1700000000", ":alice", "-1:alice", "+1700000000:alice", " 1700000000:alice",
        "1e9:alice", "0x10:alice", "99999999999999999999:alice", "9223372036854775808:alice",
        "1700000000:"}) {
    const LookupResult r = s.lookup(bad, kNow);
    EXPECT_EQ(r.status, LookupStatus::Malformed) << bad;
    EXPECT_TRUE(r.keys.empty());
  }
  // No colon: not the REST form.
  EXPECT_EQ(s.lookup("alice", kNow).status, LookupStatus::UnknownUser);
  EXPECT_EQ(s.lookup("1700000000", kNow).status, LookupStatus::UnknownUser);
  EXPECT_EQ(s.lookup("", kNow).status, LookupStatus::UnknownUser);
  // Largest int64 expiry is accepted.
  EXPECT_EQ(s.lookup("9223372036854775807:alice", kNow).status, LookupStatus::Ok);
}

TEST(CredentialStore, RestNeedsSecrets) {
  CredentialStore s("example.org");
  EXPECT_EQ(s.lookup("1700000000:alice", kNow).status, LookupStatus::UnknownUser);
  s.set_rest_secrets({"secret"});
  EXPECT_EQ(s.lookup("1700000000:alice", kNow).status, LookupStatus::Ok);
  s.set_rest_secrets({});
  EXPECT_EQ(s.lookup("1700000000:alice", kNow).status, LookupStatus::UnknownUser);
}

TEST(CredentialStore, StaticTakesPrecedenceOverRest) {
  CredentialStore s("example.org");
  s.set_rest_secrets({"secret"});
  s.add_static_user("1:alice", "pw");  // would be an expired REST name
  const LookupResult r = s.lookup("1:alice", kNow);
  EXPECT_EQ(r.status, LookupStatus::Ok);
  ASSERT_EQ(r.keys.size(), 1u);
  EXPECT_EQ(r.keys[0].md5, make_long_term_key("1:alice", "example.org", "pw").md5);
}

TEST(CredentialStore, Userhash) {
  CredentialStore s("example.org");
  s.add_static_user("alice", "pw");
  // printf 'alice:example.org' | sha256sum
  const std::string h = "435b7933096a304d3c734cfb833ec9075bd47ab1c0160321aed31c06a8c7009e";
  std::vector<uint8_t> bytes;
  for (size_t i = 0; i < h.size(); i += 2) {
    bytes.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  }
  EXPECT_EQ(s.username_for_userhash(bytes), "alice");
  bytes[0] ^= 1;
  EXPECT_FALSE(s.username_for_userhash(bytes));
  bytes[0] ^= 1;
  EXPECT_FALSE(s.username_for_userhash(std::span<const uint8_t>(bytes).first(31)));
  s.set_rest_secrets({"secret"});
  const auto rest = crypto::sha256(crypto::as_bytes("1700000000:alice:example.org"));
  EXPECT_FALSE(s.username_for_userhash(rest));  // static users only
}

TEST(CredentialStore, StatusNames) {
  EXPECT_STREQ(to_string(LookupStatus::Ok), "ok");
  EXPECT_STREQ(to_string(LookupStatus::UnknownUser), "unknown_user");
  EXPECT_STREQ(to_string(LookupStatus::Expired), "expired");
  EXPECT_STREQ(to_string(LookupStatus::Malformed), "malformed");
}

}  // namespace
}  // namespace avedge::auth

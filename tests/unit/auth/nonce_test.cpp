#include "auth/nonce.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>

namespace avedge::auth {
namespace {

constexpr UnixSeconds kNow = 1'700'000'000;
constexpr Seconds kLife{600};

std::array<uint8_t, 32> key(uint8_t seed) {
  std::array<uint8_t, 32> k{};
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(seed + i * 7);
  return k;
}

Endpoint ep(std::string_view s) {
  return Endpoint::parse(s).value();
}

const Endpoint kClient = ep("192.0.2.10:50000");

TEST(Nonce, FormatIsPrintableAndShort) {
  const NonceService svc(key(1), kLife, false);
  const std::string n = svc.issue(kClient, kNow);
  EXPECT_TRUE(n.starts_with(kNonceCookie));
  EXPECT_LE(n.size(), 127u);  // RFC 8489 §14.10: fewer than 128 characters, <= 763 bytes
  for (char c : n) {
    EXPECT_TRUE(c > 0x20 && c < 0x7f && c != '"' && c != '\\') << n;
  }
  // Feature bits (RFC 8489 §9.2): bit 0 (MSB) password algorithms → "gAAA"; plus bit 1
  // username anonymity → "wAAA".
  EXPECT_EQ(n.substr(9, 4), "gAAA");
  const NonceService hashed(key(1), kLife, true);
  EXPECT_EQ(hashed.issue(kClient, kNow).substr(9, 4), "wAAA");
  EXPECT_TRUE(NonceService::has_password_algorithms_bit(n));
  EXPECT_FALSE(NonceService::has_password_algorithms_bit("obMatJos2AAAA"));
  EXPECT_FALSE(NonceService::has_password_algorithms_bit("somethingelse"));
  EXPECT_FALSE(NonceService::has_password_algorithms_bit(""));
}

TEST(Nonce, ValidWithinLifetime) {
  const NonceService svc(key(1), kLife, false);
  const std::string n = svc.issue(kClient, kNow);
  EXPECT_EQ(svc.check(n, kClient, kNow), NonceCheck::Valid);
  EXPECT_EQ(svc.check(n, kClient, kNow + 1), NonceCheck::Valid);
  EXPECT_EQ(svc.check(n, kClient, kNow + kLife.count() - 1), NonceCheck::Valid);
}

TEST(Nonce, StaleAfterLifetime) {
  const NonceService svc(key(1), kLife, false);
  const std::string n = svc.issue(kClient, kNow);
  EXPECT_EQ(svc.check(n, kClient, kNow + kLife.count()), NonceCheck::Stale);
  EXPECT_EQ(svc.check(n, kClient, kNow + 3600 * 24 * 365), NonceCheck::Stale);
}

TEST(Nonce, FutureBeyondFiveSecondsIsInvalid) {
  const NonceService svc(key(1), kLife, false);
  const std::string n = svc.issue(kClient, kNow);
  EXPECT_EQ(svc.check(n, kClient, kNow - 5), NonceCheck::Valid);
  EXPECT_EQ(svc.check(n, kClient, kNow - 6), NonceCheck::Invalid);
  EXPECT_EQ(svc.check(n, kClient, 0), NonceCheck::Invalid);
}

TEST(Nonce, WrongClientAddressIsInvalid) {
  const NonceService svc(key(1), kLife, false);
  const std::string n = svc.issue(kClient, kNow);
  EXPECT_EQ(svc.check(n, ep("192.0.2.10:50001"), kNow), NonceCheck::Invalid);
  EXPECT_EQ(svc.check(n, ep("192.0.2.11:50000"), kNow), NonceCheck::Invalid);
  EXPECT_EQ(svc.check(n, ep("[::ffff:192.0.2.10]:50000"), kNow), NonceCheck::Invalid);
  const Endpoint v6 = ep("[2001:db8::1]:3478");
  const std::string n6 = svc.issue(v6, kNow);
  EXPECT_EQ(svc.check(n6, v6, kNow), NonceCheck::Valid);
  EXPECT_EQ(svc.check(n6, ep("[2001:db8::2]:3478"), kNow), NonceCheck::Invalid);
}

TEST(Nonce, TamperedIsInvalid) {
  const NonceService svc(key(1), kLife, false);
  const std::string n = svc.issue(kClient, kNow);
  // Flip every character in turn to another printable one.
  for (size_t i = 0; i < n.size(); ++i) {
    std::string t = n;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    EXPECT_EQ(svc.check(t, kClient, kNow), NonceCheck::Invalid) << i;
  }
  // Bid-down: clearing the password-algorithms feature bit breaks the tag.
  std::string bid = n;
  bid.replace(9, 4, "AAAA");
  EXPECT_EQ(svc.check(bid, kClient, kNow), NonceCheck::Invalid);
  // Moving the issue time forward to extend the lifetime breaks the tag.
  const std::string later = svc.issue(kClient, kNow + 1000);
  std::string moved = n.substr(0, 13) + later.substr(13, 16) + n.substr(29);
  EXPECT_EQ(svc.check(moved, kClient, kNow + 1000), NonceCheck::Invalid);
  // Malformed.
  for (std::string_view bad : {"", "obMatJos2", "nonce", "obMatJos2gAAA0000000000000000"}) {
    EXPECT_EQ(svc.check(bad, kClient, kNow), NonceCheck::Invalid) << bad;
  }
  EXPECT_EQ(svc.check(n + "x", kClient, kNow), NonceCheck::Invalid);
  EXPECT_EQ(svc.check(n.substr(0, n.size() - 1), kClient, kNow), NonceCheck::Invalid);
  std::string upper = n;
  for (size_t i = 13; i < 29; ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  if (upper != n) {
    EXPECT_EQ(svc.check(upper, kClient, kNow), NonceCheck::Invalid);
  }
}

TEST(Nonce, StatelessAcrossInstancesSameKey) {
  const NonceService a(key(1), kLife, false);
  const NonceService b(key(1), kLife, false);
  const NonceService other(key(2), kLife, false);
  const std::string n = a.issue(kClient, kNow);
  EXPECT_EQ(b.check(n, kClient, kNow + 10), NonceCheck::Valid);
  EXPECT_EQ(b.check(n, kClient, kNow + kLife.count()), NonceCheck::Stale);
  EXPECT_EQ(other.check(n, kClient, kNow), NonceCheck::Invalid);
  // A stale nonce under the wrong key is Invalid, not Stale (no 438 for forgeries).
  EXPECT_EQ(other.check(n, kClient, kNow + kLife.count()), NonceCheck::Invalid);
}

TEST(Nonce, DistinctPerAddressAndTime) {
  const NonceService svc(key(1), kLife, false);
  // Same address and second: may repeat (RFC 8489 §9.2 only needs uniqueness across clients).
  EXPECT_EQ(svc.issue(kClient, kNow), svc.issue(kClient, kNow));
  std::set<std::string> seen;
  for (uint32_t i = 0; i < 10000; ++i) {
    const Endpoint e{IpAddress::v4(0x0A000000u + i / 100), static_cast<uint16_t>(1024 + i % 100)};
    const std::string n = svc.issue(e, kNow);
    EXPECT_EQ(svc.check(n, e, kNow), NonceCheck::Valid);
    seen.insert(n);
  }
  EXPECT_EQ(seen.size(), 10000u);
  EXPECT_NE(svc.issue(kClient, kNow), svc.issue(kClient, kNow + 1));
}

TEST(Nonce, ZeroLifetimeIsAlwaysStale) {
  const NonceService svc(key(1), Seconds{0}, false);
  EXPECT_EQ(svc.check(svc.issue(kClient, kNow), kClient, kNow), NonceCheck::Stale);
}

}  // namespace
}  // namespace avedge::auth

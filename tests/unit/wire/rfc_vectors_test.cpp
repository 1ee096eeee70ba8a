// RFC 5769 §2 and RFC 8489 Appendix B.1 vectors through the parser and integrity checks.
#include <gtest/gtest.h>

#include <string>

#include "core/crypto.hpp"
#include "stun_vectors.hpp"
#include "wire/stun_message.hpp"

namespace avedge::stun {
namespace {

using avedge::crypto::as_bytes;
using avedge::test::from_hex;

std::vector<uint8_t> long_term_md5_key() {
  std::string s = std::string(test::kLtUser) + ":" + std::string(test::kLtRealm) + ":" +
                  std::string(test::kLtPassword);
  auto d = crypto::md5(as_bytes(s));
  return {d.begin(), d.end()};
}

std::vector<uint8_t> long_term_sha256_key() {
  std::string s = std::string(test::kLtUser) + ":" + std::string(test::kLtRealm) + ":" +
                  std::string(test::kLtPassword);
  auto d = crypto::sha256(as_bytes(s));
  return {d.begin(), d.end()};
}

TEST(Rfc5769, SampleRequest) {
  const auto buf = from_hex(test::kReqHex);
  ASSERT_EQ(buf.size(), 108u);
  Message m;
  ASSERT_EQ(parse(buf, m), ParseError::None);
  EXPECT_EQ(m.method, method::Binding);
  EXPECT_EQ(m.cls, Class::Request);
  EXPECT_EQ(m.tid, (TransactionId{0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf,
                                  0xae}));
  EXPECT_EQ(m.attr_count, 6);
  EXPECT_EQ(m.covered_count, 4);
  ASSERT_NE(m.fingerprint, nullptr);
  ASSERT_NE(m.message_integrity, nullptr);
  EXPECT_EQ(m.message_integrity->offset, 20u + 20 + 8 + 12 + 16);
  ASSERT_NE(m.find(attr::Software), nullptr);
  EXPECT_EQ(decode_string(*m.find(attr::Software)), "STUN test client");
  ASSERT_NE(m.find(attr::Username), nullptr);
  EXPECT_EQ(decode_string(*m.find(attr::Username)), "evtj:h6vY");  // 3 pad bytes are spaces
  ASSERT_NE(m.find(attr::Priority), nullptr);
  EXPECT_EQ(decode_u32(*m.find(attr::Priority)), 0x6e0001ffu);
  ASSERT_NE(m.find(attr::IceControlled), nullptr);
  EXPECT_EQ(m.find(attr::IceControlled)->value.size(), 8u);
  EXPECT_TRUE(verify_message_integrity(m, as_bytes(test::kShortTermPassword)));
  EXPECT_FALSE(verify_message_integrity(m, as_bytes("VOkJxbRl1RmTxUk/WvJxBT")));
  EXPECT_FALSE(verify_message_integrity_sha256(m, as_bytes(test::kShortTermPassword)));
  std::array<uint16_t, 8> unknown{};
  EXPECT_EQ(unknown_required_attributes(m, unknown), 0u);
}

TEST(Rfc5769, Ipv4Response) {
  const auto buf = from_hex(test::kResp4Hex);
  Message m;
  ASSERT_EQ(parse(buf, m), ParseError::None);
  EXPECT_EQ(m.method, method::Binding);
  EXPECT_EQ(m.cls, Class::Success);
  EXPECT_EQ(decode_string(*m.find(attr::Software)), "test vector");
  const Attribute* x = m.find(attr::XorMappedAddress);
  ASSERT_NE(x, nullptr);
  auto ep = decode_xor_address(*x, m.tid);
  ASSERT_TRUE(ep.has_value());
  EXPECT_EQ(ep->ip.family, Family::V4);
  EXPECT_EQ(ep->ip.bytes, (std::array<uint8_t, 16>{192, 0, 2, 1}));
  EXPECT_EQ(ep->port, 32853);
  EXPECT_TRUE(verify_message_integrity(m, as_bytes(test::kShortTermPassword)));
  EXPECT_FALSE(verify_message_integrity(m, as_bytes("wrong")));
}

TEST(Rfc5769, Ipv6Response) {
  const auto buf = from_hex(test::kResp6Hex);
  Message m;
  ASSERT_EQ(parse(buf, m), ParseError::None);
  EXPECT_EQ(m.cls, Class::Success);
  EXPECT_EQ(decode_string(*m.find(attr::Software)), "test vector");
  auto ep = decode_xor_address(*m.find(attr::XorMappedAddress), m.tid);
  ASSERT_TRUE(ep.has_value());
  EXPECT_EQ(ep->ip.family, Family::V6);
  EXPECT_EQ(ep->ip.bytes,
            (std::array<uint8_t, 16>{0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x00, 0x11,
                                     0x22, 0x33, 0x44, 0x55, 0x66, 0x77}));
  EXPECT_EQ(ep->port, 32853);
  EXPECT_TRUE(verify_message_integrity(m, as_bytes(test::kShortTermPassword)));
  EXPECT_FALSE(verify_message_integrity(m, as_bytes("")));
  // XOR decoding with a different transaction id gives a different IPv6 address.
  TransactionId other = m.tid;
  other[11] ^= 1;
  EXPECT_NE(decode_xor_address(*m.find(attr::XorMappedAddress), other)->ip, ep->ip);
}

TEST(Rfc5769, LongTermRequest) {
  const auto buf = from_hex(test::kLongTermHex);
  ASSERT_EQ(buf.size(), 116u);
  Message m;
  ASSERT_EQ(parse(buf, m), ParseError::None);
  EXPECT_EQ(m.fingerprint, nullptr);
  EXPECT_EQ(decode_string(*m.find(attr::Username)), test::kLtUser);
  EXPECT_EQ(decode_string(*m.find(attr::Nonce)), test::kLtNonce);
  EXPECT_EQ(decode_string(*m.find(attr::Realm)), test::kLtRealm);
  const auto key = long_term_md5_key();
  EXPECT_EQ(crypto::hex(key), "e8ca7ad59d5eb0518e312911d2dab2a9");
  EXPECT_TRUE(verify_message_integrity(m, key));
  auto bad = key;
  bad[0] ^= 0x80;
  EXPECT_FALSE(verify_message_integrity(m, bad));
  EXPECT_FALSE(verify_message_integrity(m, as_bytes(test::kLtPassword)));
}

TEST(Rfc8489, AppendixB1Sha256WithUserhash) {
  const auto buf = from_hex(test::kB1Hex);
  ASSERT_EQ(buf.size(), 164u);
  Message m;
  ASSERT_EQ(parse(buf, m), ParseError::None);
  EXPECT_EQ(m.message_integrity, nullptr);
  ASSERT_NE(m.message_integrity_sha256, nullptr);
  EXPECT_EQ(m.find(attr::MessageIntegritySha256), m.message_integrity_sha256);
  // USERHASH = SHA-256(username ":" realm) (RFC 8489 §14.4).
  const Attribute* uh = m.find(attr::Userhash);
  ASSERT_NE(uh, nullptr);
  const auto expect_uh =
      crypto::sha256(as_bytes(std::string(test::kLtUser) + ":" + std::string(test::kLtRealm)));
  EXPECT_TRUE(crypto::equal_ct(uh->value, expect_uh));
  EXPECT_EQ(decode_string(*m.find(attr::Nonce)), test::kB1Nonce);
  EXPECT_EQ(decode_string(*m.find(attr::Realm)), test::kLtRealm);
  auto pa = decode_password_algorithm(*m.find(attr::PasswordAlgorithm));
  ASSERT_TRUE(pa.has_value());
  EXPECT_EQ(pa->algorithm, kAlgSha256);
  EXPECT_TRUE(pa->params.empty());
  const auto key = long_term_sha256_key();
  EXPECT_TRUE(verify_message_integrity_sha256(m, key));
  EXPECT_FALSE(verify_message_integrity(m, key));
  EXPECT_FALSE(verify_message_integrity_sha256(m, long_term_md5_key()));
}

// Flipping any single bit of a fingerprinted message must lose the valid FINGERPRINT: parse
// fails (bad fingerprint, or not STUN / bad length for header bits) or, when the flip turns
// the FINGERPRINT type itself into another attribute, no FINGERPRINT is left.
TEST(Rfc5769, EveryBitFlipIsRejected) {
  for (auto hex : {test::kReqHex, test::kResp4Hex, test::kResp6Hex}) {
    const auto orig = from_hex(hex);
    for (size_t i = 0; i < orig.size() * 8; ++i) {
      auto buf = orig;
      buf[i / 8] = static_cast<uint8_t>(buf[i / 8] ^ (1U << (i % 8)));
      Message m;
      const ParseError e = parse(buf, m);
      EXPECT_TRUE(e != ParseError::None || m.fingerprint == nullptr) << "bit " << i;
      // Outside the header and the FINGERPRINT attribute header, it is the CRC that fails.
      const size_t fp_off = orig.size() - 8;
      if (i / 8 >= kHeaderSize && (i / 8 < fp_off || i / 8 >= fp_off + 4) &&
          e != ParseError::BadAttribute) {
        EXPECT_TRUE(e == ParseError::BadFingerprint || m.fingerprint == nullptr) << "bit " << i;
      }
    }
  }
}

TEST(Rfc5769, FlipOutsideHeaderIsBadFingerprintOrIntegrity) {
  const auto orig = from_hex(test::kReqHex);
  // A flipped bit inside the SOFTWARE value: the walk still works, FINGERPRINT fails.
  auto buf = orig;
  buf[30] ^= 0x01;
  Message m;
  EXPECT_EQ(parse(buf, m), ParseError::BadFingerprint);
  // A flipped bit inside the FINGERPRINT value itself.
  buf = orig;
  buf.back() ^= 0x10;
  EXPECT_EQ(parse(buf, m), ParseError::BadFingerprint);
}

TEST(Rfc5769, MisalignedBuffers) {
  for (auto hex :
       {test::kReqHex, test::kResp4Hex, test::kResp6Hex, test::kLongTermHex, test::kB1Hex}) {
    const auto orig = from_hex(hex);
    for (size_t shift = 1; shift <= 3; ++shift) {
      std::vector<uint8_t> storage(orig.size() + shift);
      std::copy(orig.begin(), orig.end(), storage.begin() + static_cast<std::ptrdiff_t>(shift));
      std::span<const uint8_t> view(storage.data() + shift, orig.size());
      Message m;
      ASSERT_EQ(parse(view, m), ParseError::None) << "shift " << shift;
      EXPECT_EQ(m.raw.data(), view.data());
      for (const Attribute& a : m.attributes()) {
        // Every view points into the caller's buffer.
        EXPECT_GE(a.value.data(), view.data());
        EXPECT_LE(a.value.data() + a.value.size(), view.data() + view.size());
        (void)decode_u32(a);
        (void)decode_address(a);
        (void)decode_xor_address(a, m.tid);
        (void)decode_error_code(a);
      }
      if (m.message_integrity != nullptr) {
        const bool lt = hex == test::kLongTermHex;
        const auto key = lt ? long_term_md5_key()
                            : std::vector<uint8_t>(test::kShortTermPassword.begin(),
                                                   test::kShortTermPassword.end());
        EXPECT_TRUE(verify_message_integrity(m, key));
      }
      if (m.find(attr::XorMappedAddress) != nullptr) {
        auto ep = decode_xor_address(*m.find(attr::XorMappedAddress), m.tid);
        ASSERT_TRUE(ep.has_value());
        EXPECT_EQ(ep->port, 32853);
      }
      if (m.message_integrity_sha256 != nullptr) {
        EXPECT_TRUE(verify_message_integrity_sha256(m, long_term_sha256_key()));
      }
    }
  }
}

}  // namespace
}  // namespace avedge::stun

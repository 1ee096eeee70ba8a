// Parser: malformed input, attribute coverage, unknown attributes, decoders.
#include <gtest/gtest.h>

#include <vector>

#include "core/crypto.hpp"
#include "stun_vectors.hpp"
#include "wire/stun_builder.hpp"
#include "wire/stun_message.hpp"

namespace avedge::stun {
namespace {

using avedge::test::from_hex;

// Hand-made messages: header then raw attributes, length taken from the body unless given.
struct Raw {
  std::vector<uint8_t> bytes;
  explicit Raw(uint16_t type = 0x0001) {
    bytes = {
        static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type), 0, 0, 0x21, 0x12, 0xA4, 0x42};
    for (uint8_t i = 0; i < 12; ++i) bytes.push_back(i);
  }
  Raw& attr(uint16_t type, std::vector<uint8_t> value, bool pad = true) {
    bytes.push_back(static_cast<uint8_t>(type >> 8));
    bytes.push_back(static_cast<uint8_t>(type));
    bytes.push_back(static_cast<uint8_t>(value.size() >> 8));
    bytes.push_back(static_cast<uint8_t>(value.size()));
    bytes.insert(bytes.end(), value.begin(), value.end());
    while (pad && bytes.size() % 4 != 0) bytes.push_back(0);
    return *this;
  }
  Raw& fix_length() { return set_length(bytes.size() - 20); }
  Raw& set_length(size_t n) {
    bytes[2] = static_cast<uint8_t>(n >> 8);
    bytes[3] = static_cast<uint8_t>(n);
    return *this;
  }
  Raw& fingerprint() {
    const size_t off = bytes.size();
    attr(attr::Fingerprint, {0, 0, 0, 0});
    fix_length();
    const uint32_t crc = crypto::crc32({bytes.data(), off}) ^ kFingerprintXor;
    for (int i = 0; i < 4; ++i)
      bytes[off + 4 + static_cast<size_t>(i)] = static_cast<uint8_t>(crc >> (24 - 8 * i));
    return *this;
  }
};

ParseError parse_raw(const std::vector<uint8_t>& b) {
  Message m;
  return parse(b, m);
}

TEST(StunParse, MinimalMessage) {
  Raw r;
  r.fix_length();
  Message m;
  ASSERT_EQ(parse(r.bytes, m), ParseError::None);
  EXPECT_EQ(m.attr_count, 0);
  EXPECT_EQ(m.raw.size(), 20u);
  EXPECT_TRUE(looks_like_stun(r.bytes));
}

TEST(StunParse, TruncatedHeader) {
  Raw r;
  r.fix_length();
  for (size_t n = 0; n < 20; ++n) {
    std::vector<uint8_t> b(r.bytes.begin(), r.bytes.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_EQ(parse_raw(b), ParseError::TooShort) << n;
    EXPECT_FALSE(looks_like_stun(b));
  }
}

TEST(StunParse, LengthLongerThanDatagram) {
  Raw r;
  r.attr(attr::Software, {'a', 'b', 'c', 'd'}).set_length(12);
  EXPECT_EQ(parse_raw(r.bytes), ParseError::TooShort);
  r.set_length(0xFFFC);
  EXPECT_EQ(parse_raw(r.bytes), ParseError::TooShort);
}

TEST(StunParse, LengthShorterThanDatagram) {
  Raw r;
  r.attr(attr::Software, {'a', 'b', 'c', 'd'}).set_length(4);
  EXPECT_EQ(parse_raw(r.bytes), ParseError::BadLength);
  r.set_length(0);
  EXPECT_EQ(parse_raw(r.bytes), ParseError::BadLength);
}

TEST(StunParse, LengthNotMultipleOfFour) {
  Raw r;
  r.attr(attr::Software, {'a', 'b', 'c'}, false).fix_length();
  ASSERT_EQ(r.bytes.size(), 27u);
  EXPECT_EQ(parse_raw(r.bytes), ParseError::BadLength);
}

TEST(StunParse, AttributeLengthPastEnd) {
  Raw r;
  r.attr(attr::Software, {'a', 'b', 'c', 'd'}).fix_length();
  r.bytes[23] = 8;  // claims 8 bytes, 4 present
  EXPECT_EQ(parse_raw(r.bytes), ParseError::BadAttribute);
  r.bytes[22] = 0xFF;  // 0xFF08: far past the end; no wrap
  EXPECT_EQ(parse_raw(r.bytes), ParseError::BadAttribute);
  r.bytes[22] = 0;
  r.bytes[23] = 5;  // value fits but its padding does not
  EXPECT_EQ(parse_raw(r.bytes), ParseError::BadAttribute);
}

TEST(StunParse, NotStun) {
  Raw r;
  r.fix_length();
  auto b = r.bytes;
  b[4] = 0x22;  // cookie
  EXPECT_EQ(parse_raw(b), ParseError::NotStun);
  EXPECT_FALSE(looks_like_stun(b));
  b = r.bytes;
  b[0] = 0x40;  // ChannelData range
  EXPECT_EQ(parse_raw(b), ParseError::NotStun);
  b[0] = 0x80;
  EXPECT_EQ(parse_raw(b), ParseError::NotStun);
}

TEST(StunParse, BadFingerprintValue) {
  Raw r;
  r.attr(attr::Software, {'x'}).fingerprint();
  EXPECT_EQ(parse_raw(r.bytes), ParseError::None);
  r.bytes.back() ^= 1;
  EXPECT_EQ(parse_raw(r.bytes), ParseError::BadFingerprint);
}

TEST(StunParse, FingerprintWrongSize) {
  Raw r;
  r.attr(attr::Fingerprint, {0, 0, 0, 0, 0, 0, 0, 0}).fix_length();
  EXPECT_EQ(parse_raw(r.bytes), ParseError::BadFingerprint);
}

TEST(StunParse, FingerprintNotLast) {
  Raw r;
  r.attr(attr::Software, {'x'}).fingerprint();
  r.attr(attr::Software, {'y'}).fix_length();
  EXPECT_EQ(parse_raw(r.bytes), ParseError::BadFingerprint);
  // Even with a CRC that is right for the bytes before it, FINGERPRINT must be last.
  const size_t fp_off = 28;
  ASSERT_EQ(r.bytes[fp_off], 0x80);
  ASSERT_EQ(r.bytes[fp_off + 1], 0x28);
  const uint32_t crc = crypto::crc32({r.bytes.data(), fp_off}) ^ kFingerprintXor;
  for (size_t i = 0; i < 4; ++i) {
    r.bytes[fp_off + 4 + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
  }
  EXPECT_EQ(parse_raw(r.bytes), ParseError::BadFingerprint);
}

TEST(StunParse, AttributesAfterIntegrityIgnored) {
  Raw r;
  r.attr(attr::Username, {'u'});
  r.attr(attr::MessageIntegrity, std::vector<uint8_t>(20, 0x11));
  r.attr(attr::Lifetime, {0, 0, 0x0E, 0x10});  // must be ignored (RFC 8489 §14.5)
  r.attr(attr::MessageIntegritySha256, std::vector<uint8_t>(32, 0x22));
  r.attr(attr::Realm, {'r'});  // ignored too
  r.fingerprint();
  Message m;
  ASSERT_EQ(parse(r.bytes, m), ParseError::None);
  EXPECT_EQ(m.attr_count, 6);
  EXPECT_EQ(m.covered_count, 1);
  EXPECT_NE(m.find(attr::Username), nullptr);
  EXPECT_EQ(m.find(attr::Lifetime), nullptr);
  EXPECT_EQ(m.find(attr::Realm), nullptr);
  ASSERT_NE(m.message_integrity, nullptr);
  ASSERT_NE(m.message_integrity_sha256, nullptr);
  ASSERT_NE(m.fingerprint, nullptr);
  EXPECT_EQ(m.message_integrity->offset, 28u);
  EXPECT_EQ(m.message_integrity_sha256->type, attr::MessageIntegritySha256);
  EXPECT_EQ(m.find(attr::MessageIntegrity), m.message_integrity);
  EXPECT_EQ(m.find(attr::Fingerprint), m.fingerprint);
  // Pointers point into attrs.
  EXPECT_GE(m.message_integrity, m.attrs.data());
  EXPECT_LT(m.fingerprint, m.attrs.data() + m.attr_count);
  EXPECT_EQ(m.attributes().size(), 1u);
}

TEST(StunParse, IntegrityAfterSha256IsIgnored) {
  Raw r;
  r.attr(attr::MessageIntegritySha256, std::vector<uint8_t>(32, 0x22));
  r.attr(attr::MessageIntegrity, std::vector<uint8_t>(20, 0x11));
  r.fix_length();
  Message m;
  ASSERT_EQ(parse(r.bytes, m), ParseError::None);
  EXPECT_NE(m.message_integrity_sha256, nullptr);
  EXPECT_EQ(m.message_integrity, nullptr);
  EXPECT_EQ(m.covered_count, 0);
}

TEST(StunParse, TooManyAttributes) {
  Raw ok;
  for (size_t i = 0; i < kMaxAttributes; ++i) ok.attr(attr::Software, {});
  ok.fix_length();
  Message m;
  ASSERT_EQ(parse(ok.bytes, m), ParseError::None);
  EXPECT_EQ(m.attr_count, kMaxAttributes);
  Raw bad = ok;
  bad.attr(attr::Software, {}).fix_length();
  EXPECT_EQ(parse(bad.bytes, m), ParseError::TooManyAttributes);
}

TEST(StunParse, UnknownComprehensionRequired) {
  Raw r;
  r.attr(0x0030, {1, 2, 3, 4});          // unknown, required
  r.attr(0x8030, {1});                   // unknown, optional: ignored
  r.attr(attr::Lifetime, {0, 0, 0, 1});  // known
  r.attr(0x0030, {});                    // duplicate reported once
  r.attr(0x0003, {0, 0, 0, 0});          // CHANGE-REQUEST (RFC 5780): not known here
  r.attr(attr::MessageIntegrity, std::vector<uint8_t>(20, 0));
  r.attr(0x0031, {});  // after MI: ignored, not reported
  r.fix_length();
  Message m;
  ASSERT_EQ(parse(r.bytes, m), ParseError::None);
  std::array<uint16_t, 8> unknown{};
  ASSERT_EQ(unknown_required_attributes(m, unknown), 2u);
  EXPECT_EQ(unknown[0], 0x0030);
  EXPECT_EQ(unknown[1], 0x0003);
  std::array<uint16_t, 1> one{};
  EXPECT_EQ(unknown_required_attributes(m, one), 1u);
}

TEST(StunParse, UnknownListCappedAtEight) {
  Raw r;
  for (uint16_t t = 0x0040; t < 0x0050; ++t) r.attr(t, {});
  r.fix_length();
  Message m;
  ASSERT_EQ(parse(r.bytes, m), ParseError::None);
  std::array<uint16_t, 16> unknown{};
  EXPECT_EQ(unknown_required_attributes(m, unknown), 8u);
}

TEST(StunParse, EveryKnownRequiredTypeIsKnown) {
  const uint16_t known[] = {attr::MappedAddress,
                            attr::Username,
                            attr::ErrorCode,
                            attr::UnknownAttributes,
                            attr::ChannelNumber,
                            attr::Lifetime,
                            attr::XorPeerAddress,
                            attr::Data,
                            attr::Realm,
                            attr::Nonce,
                            attr::XorRelayedAddress,
                            attr::RequestedAddressFamily,
                            attr::EvenPort,
                            attr::RequestedTransport,
                            attr::DontFragment,
                            attr::PasswordAlgorithm,
                            attr::Userhash,
                            attr::XorMappedAddress,
                            attr::ReservationToken,
                            attr::Priority,
                            attr::UseCandidate};
  Raw r;
  for (uint16_t t : known) r.attr(t, {});
  r.fix_length();
  Message m;
  ASSERT_EQ(parse(r.bytes, m), ParseError::None);
  std::array<uint16_t, 8> unknown{};
  EXPECT_EQ(unknown_required_attributes(m, unknown), 0u);
}

TEST(StunParse, MethodAndClassBits) {
  // 0x0113: Allocate error response; 0x0017: Data indication (RFC 8489 §5).
  Raw a(0x0113);
  a.fix_length();
  Message m;
  ASSERT_EQ(parse(a.bytes, m), ParseError::None);
  EXPECT_EQ(m.method, method::Allocate);
  EXPECT_EQ(m.cls, Class::Error);
  Raw d(0x0017);
  d.fix_length();
  ASSERT_EQ(parse(d.bytes, m), ParseError::None);
  EXPECT_EQ(m.method, method::Data);
  EXPECT_EQ(m.cls, Class::Indication);
  Raw hi(0x3EEF);  // every method bit set, class bits clear
  hi.fix_length();
  ASSERT_EQ(parse(hi.bytes, m), ParseError::None);
  EXPECT_EQ(m.method, 0xFFF);
  EXPECT_EQ(m.cls, Class::Request);
}

TEST(StunParse, IntegrityWithWrongLengthValueFailsVerify) {
  Raw r;
  r.attr(attr::MessageIntegrity, std::vector<uint8_t>(16, 0)).fix_length();
  Message m;
  ASSERT_EQ(parse(r.bytes, m), ParseError::None);
  EXPECT_FALSE(verify_message_integrity(m, crypto::as_bytes("k")));
  Raw s;
  s.attr(attr::MessageIntegritySha256, std::vector<uint8_t>(12, 0)).fix_length();
  ASSERT_EQ(parse(s.bytes, m), ParseError::None);
  EXPECT_FALSE(verify_message_integrity_sha256(m, crypto::as_bytes("k")));
}

TEST(StunParse, TruncatedSha256IntegrityAccepted) {
  // RFC 8489 §14.6: MESSAGE-INTEGRITY-SHA256 may be truncated to 16..32 bytes, multiple of 4.
  const auto key = crypto::as_bytes("secret");
  for (size_t n : {16u, 20u, 24u, 28u}) {
    Raw r;
    r.attr(attr::Username, {'u', 's', 'e', 'r'});
    const size_t off = r.bytes.size();
    r.attr(attr::MessageIntegritySha256, std::vector<uint8_t>(n, 0)).fix_length();
    auto mac = crypto::hmac_sha256(key, {r.bytes.data(), off});
    std::copy_n(mac.begin(), n, r.bytes.begin() + static_cast<std::ptrdiff_t>(off + 4));
    Message m;
    ASSERT_EQ(parse(r.bytes, m), ParseError::None);
    EXPECT_TRUE(verify_message_integrity_sha256(m, key)) << n;
    EXPECT_FALSE(verify_message_integrity_sha256(m, crypto::as_bytes("secreT"))) << n;
  }
}

TEST(StunParse, IntegrityLengthAdjustedWhenFingerprintFollows) {
  // The HMAC covers a header whose length ends at MESSAGE-INTEGRITY, not the real length.
  const auto key = crypto::as_bytes("pw");
  Raw r;
  r.attr(attr::Username, {'a', 'b'});
  const size_t off = r.bytes.size();
  r.attr(attr::MessageIntegrity, std::vector<uint8_t>(20, 0)).fix_length();
  auto mac = crypto::hmac_sha1(key, {r.bytes.data(), off});
  std::copy(mac.begin(), mac.end(), r.bytes.begin() + static_cast<std::ptrdiff_t>(off + 4));
  r.fingerprint();
  Message m;
  ASSERT_EQ(parse(r.bytes, m), ParseError::None);
  EXPECT_TRUE(verify_message_integrity(m, key));
  // Changing a covered byte breaks it; changing the ignored area after MI does not matter.
  r.bytes[24] ^= 1;
  r.bytes.resize(r.bytes.size() - 8);
  r.fingerprint();
  ASSERT_EQ(parse(r.bytes, m), ParseError::None);
  EXPECT_FALSE(verify_message_integrity(m, key));
}

TEST(StunDecode, Addresses) {
  Raw r;
  r.attr(attr::MappedAddress, {0, kFamilyV4, 0x12, 0x34, 10, 0, 0, 1});
  r.attr(attr::AlternateServer,
         {0, kFamilyV6, 0, 80, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  r.attr(attr::XorPeerAddress, {0, kFamilyV4, 0, 80, 1, 2, 3});       // short
  r.attr(attr::XorRelayedAddress, {0, 3, 0, 80, 1, 2, 3, 4});         // bad family
  r.attr(attr::XorMappedAddress, {0, kFamilyV6, 0, 80, 1, 2, 3, 4});  // v6 too short
  r.fix_length();
  Message m;
  ASSERT_EQ(parse(r.bytes, m), ParseError::None);
  auto a = decode_address(*m.find(attr::MappedAddress));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ip.family, Family::V4);
  EXPECT_EQ(a->port, 0x1234);
  EXPECT_EQ(a->ip.bytes, (std::array<uint8_t, 16>{10, 0, 0, 1}));
  auto b = decode_address(*m.find(attr::AlternateServer));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->ip.family, Family::V6);
  EXPECT_EQ(b->port, 80);
  EXPECT_EQ(b->ip.bytes[15], 1);
  EXPECT_FALSE(decode_xor_address(*m.find(attr::XorPeerAddress), m.tid));
  EXPECT_FALSE(decode_xor_address(*m.find(attr::XorRelayedAddress), m.tid));
  EXPECT_FALSE(decode_xor_address(*m.find(attr::XorMappedAddress), m.tid));
}

TEST(StunDecode, ScalarsAndStrings) {
  Raw r;
  r.attr(attr::Lifetime, {0, 0, 0x02, 0x58});
  r.attr(attr::ChannelNumber, {0x40, 0x01, 0xAB, 0xCD});  // RFFU ignored
  r.attr(attr::RequestedTransport, {17, 1, 2, 3});
  r.attr(attr::RequestedAddressFamily, {kFamilyV6, 0, 0, 0});
  r.attr(attr::EvenPort, {0x80});
  r.attr(attr::ErrorCode, {0, 0, 4, 38, 'S', 't', 'a', 'l', 'e'});
  r.attr(attr::Priority, {1, 2, 3});             // wrong size
  r.attr(attr::AddressErrorCode, {0, 0, 7, 0});  // class 7: invalid
  r.attr(attr::IceControlling, {0, 0, 4, 100});  // number 100: invalid
  r.fix_length();
  Message m;
  ASSERT_EQ(parse(r.bytes, m), ParseError::None);
  EXPECT_EQ(decode_u32(*m.find(attr::Lifetime)), 600u);
  EXPECT_EQ(decode_channel_number(*m.find(attr::ChannelNumber)), 0x4001);
  EXPECT_EQ(decode_requested_transport(*m.find(attr::RequestedTransport)), 17);
  EXPECT_EQ(decode_address_family(*m.find(attr::RequestedAddressFamily)), kFamilyV6);
  EXPECT_EQ(decode_even_port(*m.find(attr::EvenPort)), true);
  auto e = decode_error_code(*m.find(attr::ErrorCode));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, 438);
  EXPECT_EQ(e->reason, "Stale");
  EXPECT_FALSE(decode_u32(*m.find(attr::Priority)));
  EXPECT_FALSE(decode_channel_number(*m.find(attr::Priority)));
  EXPECT_FALSE(decode_requested_transport(*m.find(attr::Priority)));
  EXPECT_FALSE(decode_even_port(*m.find(attr::Priority)));
  EXPECT_FALSE(decode_error_code(*m.find(attr::AddressErrorCode)));
  EXPECT_FALSE(decode_error_code(*m.find(attr::IceControlling)));
  EXPECT_EQ(decode_string(*m.find(attr::Priority)).size(), 3u);
}

TEST(StunDecode, PasswordAlgorithms) {
  Raw r;
  r.attr(attr::PasswordAlgorithms, {0, 1, 0, 0, 0, 2, 0, 0, 0, 9, 0, 2, 0xAA, 0xBB, 0, 0});
  r.attr(attr::PasswordAlgorithm, {0, 2, 0, 5, 1});  // params run past the value
  r.attr(attr::Username, {0, 2, 0, 0, 0, 1, 0});     // trailing partial entry
  r.fix_length();
  Message m;
  ASSERT_EQ(parse(r.bytes, m), ParseError::None);
  std::array<PasswordAlgorithm, 4> algs{};
  auto n = decode_password_algorithms(*m.find(attr::PasswordAlgorithms), algs);
  ASSERT_EQ(n, 3u);
  EXPECT_EQ(algs[0].algorithm, kAlgMd5);
  EXPECT_EQ(algs[1].algorithm, kAlgSha256);
  EXPECT_EQ(algs[2].algorithm, 9);
  ASSERT_EQ(algs[2].params.size(), 2u);
  EXPECT_EQ(algs[2].params[1], 0xBB);
  std::array<PasswordAlgorithm, 2> small{};
  EXPECT_FALSE(decode_password_algorithms(*m.find(attr::PasswordAlgorithms), small));
  EXPECT_FALSE(decode_password_algorithm(*m.find(attr::PasswordAlgorithm)));
  EXPECT_FALSE(decode_password_algorithms(*m.find(attr::Username), algs));
}

TEST(StunParse, ErrorStrings) {
  EXPECT_STREQ(to_string(ParseError::BadFingerprint), "bad fingerprint");
  EXPECT_STREQ(to_string(ParseError::None), "none");
}

TEST(StunParse, MaximumLengthMessage) {
  // 20 + 65532 bytes: offsets beyond 65535 must not wrap.
  std::vector<uint8_t> buf(20 + 0xFFFC, 0);
  Raw r;
  std::copy(r.bytes.begin(), r.bytes.end(), buf.begin());
  buf[2] = 0xFF;
  buf[3] = 0xFC;
  // One DATA attribute of 65520 bytes, then two empty SOFTWARE attributes.
  buf[20] = 0x00;
  buf[21] = 0x13;
  buf[22] = 0xFF;
  buf[23] = 0xF0;
  for (size_t off = 20 + 4 + 0xFFF0; off < buf.size(); off += 4) {
    buf[off] = 0x80;
    buf[off + 1] = 0x22;
  }
  Message m;
  ASSERT_EQ(parse(buf, m), ParseError::None);
  EXPECT_EQ(m.attr_count, 3);
  EXPECT_EQ(m.attrs[2].offset, 20u + 4 + 0xFFF0 + 4);
  EXPECT_GT(m.attrs[2].offset, 0xFFFFu);
}

}  // namespace
}  // namespace avedge::stun

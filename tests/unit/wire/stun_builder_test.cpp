// Builder: header bits, round trip of every attribute, zero padding, integrity, overflow.
#include <gtest/gtest.h>

#include <vector>

#include "core/crypto.hpp"
#include "stun_vectors.hpp"
#include "wire/stun_builder.hpp"
#include "wire/stun_message.hpp"

namespace avedge::stun {
namespace {

using crypto::as_bytes;

const TransactionId kTid{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

Endpoint v4ep(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  Endpoint e;
  e.ip.family = Family::V4;
  e.ip.bytes = {a, b, c, d};
  e.port = port;
  return e;
}

Endpoint v6ep(uint16_t port) {
  Endpoint e;
  e.ip.family = Family::V6;
  e.ip.bytes = {0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78,
                0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
  e.port = port;
  return e;
}

TEST(StunBuilder, HeaderBits) {
  std::array<uint8_t, 64> buf{};
  Builder b(buf, method::Allocate, Class::Error, kTid);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b.size(), 20u);
  EXPECT_EQ(buf[0], 0x01);
  EXPECT_EQ(buf[1], 0x13);
  EXPECT_EQ(buf[2], 0);
  EXPECT_EQ(buf[3], 0);
  EXPECT_EQ(buf[4], 0x21);
  EXPECT_EQ(buf[7], 0x42);
  EXPECT_EQ(buf[8], 1);
  EXPECT_EQ(buf[19], 12);
  for (uint16_t meth :
       {uint16_t{0x001}, uint16_t{0x009}, uint16_t{0x0FF}, uint16_t{0xABC}, uint16_t{0xFFF}}) {
    for (Class c : {Class::Request, Class::Indication, Class::Success, Class::Error}) {
      Builder bb(buf, meth, c, kTid);
      Message m;
      ASSERT_EQ(parse(bb.bytes(), m), ParseError::None);
      EXPECT_EQ(m.method, meth);
      EXPECT_EQ(m.cls, c);
      EXPECT_EQ(m.tid, kTid);
    }
  }
  Builder ind(buf, method::Data, Class::Indication, kTid);
  EXPECT_EQ(buf[0], 0x00);
  EXPECT_EQ(buf[1], 0x17);
  Builder ok(buf, method::Binding, Class::Success, kTid);
  EXPECT_EQ(buf[1], 0x01);
  EXPECT_EQ(buf[0], 0x01);
}

TEST(StunBuilder, RoundTripEveryAttribute) {
  std::vector<uint8_t> buf(1500, 0xAA);
  Builder b(buf, method::Allocate, Class::Success, kTid);
  const uint8_t data[] = {1, 2, 3, 4, 5};
  const uint16_t unknown[] = {0x0030, 0x0031, 0x0032};
  const uint16_t algs[] = {kAlgMd5, kAlgSha256};
  b.add_xor_address(attr::XorRelayedAddress, v4ep(198, 51, 100, 7, 50000))
      .add_xor_address(attr::XorMappedAddress, v6ep(32853))
      .add_xor_address(attr::XorPeerAddress, v4ep(192, 0, 2, 1, 1))
      .add_address(attr::MappedAddress, v4ep(10, 1, 2, 3, 3478))
      .add_address(attr::AlternateServer, v6ep(443))
      .add_u32(attr::Lifetime, 600)
      .add(attr::Data, data)
      .add_string(attr::Realm, "example.org")
      .add_string(attr::Nonce, "nonce-123")
      .add_string(attr::Username, "user")
      .add_string(attr::Software, "avedge")
      .add_empty(attr::DontFragment)
      .add_error_code(error::UnknownAttribute, error::default_reason(error::UnknownAttribute))
      .add_unknown_attributes(unknown)
      .add_requested_transport(kProtoUdp)
      .add_address_family(attr::RequestedAddressFamily, kFamilyV6)
      .add_address_family(attr::AdditionalAddressFamily, kFamilyV6)
      .add_channel_number(0x4ABC)
      .add_password_algorithms(algs)
      .add_password_algorithm(kAlgSha256)
      .add(attr::EvenPort, std::array<uint8_t, 1>{0x80})
      .add(attr::ReservationToken, std::array<uint8_t, 8>{1, 2, 3, 4, 5, 6, 7, 8})
      .add_message_integrity(as_bytes("key1"))
      .add_message_integrity_sha256(as_bytes("key2"))
      .add_fingerprint();
  ASSERT_TRUE(b.ok());
  Message m;
  ASSERT_EQ(parse(b.bytes(), m), ParseError::None);
  EXPECT_EQ(m.attr_count, 25);
  EXPECT_EQ(m.covered_count, 22);
  EXPECT_EQ(decode_xor_address(*m.find(attr::XorRelayedAddress), m.tid),
            v4ep(198, 51, 100, 7, 50000));
  EXPECT_EQ(decode_xor_address(*m.find(attr::XorMappedAddress), m.tid), v6ep(32853));
  EXPECT_EQ(decode_xor_address(*m.find(attr::XorPeerAddress), m.tid), v4ep(192, 0, 2, 1, 1));
  EXPECT_EQ(decode_address(*m.find(attr::MappedAddress)), v4ep(10, 1, 2, 3, 3478));
  EXPECT_EQ(decode_address(*m.find(attr::AlternateServer)), v6ep(443));
  EXPECT_EQ(decode_u32(*m.find(attr::Lifetime)), 600u);
  const auto d = m.find(attr::Data)->value;
  EXPECT_TRUE(std::equal(d.begin(), d.end(), std::begin(data), std::end(data)));
  EXPECT_EQ(decode_string(*m.find(attr::Realm)), "example.org");
  EXPECT_EQ(decode_string(*m.find(attr::Nonce)), "nonce-123");
  EXPECT_EQ(decode_string(*m.find(attr::Username)), "user");
  EXPECT_EQ(decode_string(*m.find(attr::Software)), "avedge");
  ASSERT_NE(m.find(attr::DontFragment), nullptr);
  EXPECT_TRUE(m.find(attr::DontFragment)->value.empty());
  auto e = decode_error_code(*m.find(attr::ErrorCode));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, 420);
  EXPECT_EQ(e->reason, "Unknown Attribute");
  const auto ua = m.find(attr::UnknownAttributes)->value;
  ASSERT_EQ(ua.size(), 6u);
  EXPECT_EQ(ua[0], 0x00);
  EXPECT_EQ(ua[1], 0x30);
  EXPECT_EQ(ua[5], 0x32);
  EXPECT_EQ(decode_requested_transport(*m.find(attr::RequestedTransport)), kProtoUdp);
  EXPECT_EQ(decode_address_family(*m.find(attr::RequestedAddressFamily)), kFamilyV6);
  EXPECT_EQ(decode_address_family(*m.find(attr::AdditionalAddressFamily)), kFamilyV6);
  EXPECT_EQ(decode_channel_number(*m.find(attr::ChannelNumber)), 0x4ABC);
  std::array<PasswordAlgorithm, 4> pa{};
  ASSERT_EQ(decode_password_algorithms(*m.find(attr::PasswordAlgorithms), pa), 2u);
  EXPECT_EQ(pa[0].algorithm, kAlgMd5);
  EXPECT_EQ(pa[1].algorithm, kAlgSha256);
  EXPECT_EQ(decode_password_algorithm(*m.find(attr::PasswordAlgorithm))->algorithm, kAlgSha256);
  EXPECT_EQ(decode_even_port(*m.find(attr::EvenPort)), true);
  EXPECT_EQ(m.find(attr::ReservationToken)->value.size(), 8u);
  EXPECT_TRUE(verify_message_integrity(m, as_bytes("key1")));
  EXPECT_FALSE(verify_message_integrity(m, as_bytes("key2")));
  EXPECT_TRUE(verify_message_integrity_sha256(m, as_bytes("key2")));
  EXPECT_FALSE(verify_message_integrity_sha256(m, as_bytes("key1")));
  // No attribute after MI leaks into find().
  EXPECT_EQ(m.message_integrity_sha256->value.size(), 32u);
}

// Every byte the builder emits that is not header or attribute content is zero, and nothing
// past size() is touched (CVE-2020-4067).
TEST(StunBuilder, PaddingIsZeroInDirtyBuffer) {
  std::vector<uint8_t> buf(512, 0xAA);
  Builder b(buf, method::Allocate, Class::Error, kTid);
  const uint16_t unknown[] = {0x0030};          // 2 bytes + 2 pad
  b.add_error_code(error::StaleNonce, "Stale")  // 9 bytes + 3 pad
      .add_string(attr::Realm, "example.org")   // 11 + 1
      .add_string(attr::Nonce, "n")             // 1 + 3
      .add_unknown_attributes(unknown)
      .add(attr::EvenPort, std::array<uint8_t, 1>{0x80})
      .add_string(attr::Software, "")
      .add_error_code(error::Unauthenticated, "")
      .add_fingerprint();
  ASSERT_TRUE(b.ok());
  Message m;
  ASSERT_EQ(parse(b.bytes(), m), ParseError::None);
  size_t pads = 0;
  for (size_t i = 0; i < m.attr_count; ++i) {
    const Attribute& a = m.attrs[i];
    const size_t end = a.offset + 4 + a.value.size();
    for (size_t p = end; p % 4 != 0; ++p) {
      EXPECT_EQ(buf[p], 0) << "attr " << a.type << " pad byte " << p;
      ++pads;
    }
  }
  EXPECT_EQ(pads, 3u + 1 + 3 + 2 + 3);
  // ERROR-CODE reserved bytes are zero.
  EXPECT_EQ(m.find(attr::ErrorCode)->value[0], 0);
  EXPECT_EQ(m.find(attr::ErrorCode)->value[1], 0);
  for (size_t i = b.size(); i < buf.size(); ++i) ASSERT_EQ(buf[i], 0xAA) << i;
  // Attribute types, lengths and values never contain 0xAA leftovers.
  for (size_t i = 0; i < b.size(); ++i) EXPECT_NE(buf[i], 0xAA) << i;
}

TEST(StunBuilder, XorAddressReservedByteZero) {
  std::vector<uint8_t> buf(128, 0xAA);
  Builder b(buf, method::Binding, Class::Success, kTid);
  b.add_xor_address(attr::XorMappedAddress, v4ep(1, 2, 3, 4, 5))
      .add_address(attr::MappedAddress, v6ep(6))
      .add_requested_transport(17)
      .add_channel_number(0x4000);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(buf[24], 0);  // XOR-MAPPED-ADDRESS first byte
  EXPECT_EQ(buf[25], kFamilyV4);
  EXPECT_EQ(buf[36], 0);  // MAPPED-ADDRESS first byte
  EXPECT_EQ(buf[37], kFamilyV6);
  const size_t rt = 20 + 12 + 24;  // REQUESTED-TRANSPORT value
  EXPECT_EQ(buf[rt + 4], 17);
  EXPECT_EQ(buf[rt + 5], 0);
  EXPECT_EQ(buf[rt + 6], 0);
  EXPECT_EQ(buf[rt + 7], 0);
  EXPECT_EQ(buf[rt + 8 + 6], 0);  // CHANNEL-NUMBER RFFU
  EXPECT_EQ(buf[rt + 8 + 7], 0);
}

TEST(StunBuilder, MatchesRfc5769LongTermRequest) {
  // RFC 5769 §2.4 pads with zeros, so it can be rebuilt byte for byte.
  const auto want = test::from_hex(test::kLongTermHex);
  TransactionId tid{};
  std::copy(want.begin() + 8, want.begin() + 20, tid.begin());
  const std::string user(test::kLtUser), realm(test::kLtRealm), pass(test::kLtPassword);
  const auto key = crypto::md5(as_bytes(user + ":" + realm + ":" + pass));
  std::vector<uint8_t> buf(want.size(), 0xAA);
  Builder b(buf, method::Binding, Class::Request, tid);
  b.add_string(attr::Username, user)
      .add_string(attr::Nonce, test::kLtNonce)
      .add_string(attr::Realm, realm)
      .add_message_integrity(key);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b.size(), want.size());
  EXPECT_EQ(std::vector<uint8_t>(b.bytes().begin(), b.bytes().end()), want);
}

TEST(StunBuilder, MatchesRfc5769Responses) {
  // RFC 5769 §2.2/§2.3 pad SOFTWARE with a space where we write zero; everything else in the
  // header and XOR-MAPPED-ADDRESS matches, and MI/FINGERPRINT verify.
  for (auto hex : {test::kResp4Hex, test::kResp6Hex}) {
    const auto want = test::from_hex(hex);
    TransactionId tid{};
    std::copy(want.begin() + 8, want.begin() + 20, tid.begin());
    const bool v6 = hex == test::kResp6Hex;
    std::vector<uint8_t> buf(want.size(), 0xAA);
    Builder b(buf, method::Binding, Class::Success, tid);
    b.add_string(attr::Software, "test vector")
        .add_xor_address(attr::XorMappedAddress, v6 ? v6ep(32853) : v4ep(192, 0, 2, 1, 32853))
        .add_message_integrity(as_bytes(test::kShortTermPassword))
        .add_fingerprint();
    ASSERT_TRUE(b.ok());
    ASSERT_EQ(b.size(), want.size());
    EXPECT_TRUE(std::equal(buf.begin(), buf.begin() + 35, want.begin()));  // up to the pad
    EXPECT_EQ(buf[35], 0);
    EXPECT_EQ(want[35], 0x20);
    const size_t xma_end = 36 + (v6 ? 24 : 12);
    EXPECT_TRUE(std::equal(buf.begin() + 36, buf.begin() + static_cast<std::ptrdiff_t>(xma_end),
                           want.begin() + 36));
    Message m;
    ASSERT_EQ(parse(b.bytes(), m), ParseError::None);
    EXPECT_TRUE(verify_message_integrity(m, as_bytes(test::kShortTermPassword)));
  }
}

TEST(StunBuilder, MatchesRfc8489B1) {
  const auto want = test::from_hex(test::kB1Hex);
  TransactionId tid{};
  std::copy(want.begin() + 8, want.begin() + 20, tid.begin());
  const std::string user(test::kLtUser), realm(test::kLtRealm), pass(test::kLtPassword);
  const auto uh = crypto::sha256(as_bytes(user + ":" + realm));
  const auto key = crypto::sha256(as_bytes(user + ":" + realm + ":" + pass));
  std::vector<uint8_t> buf(want.size());
  Builder b(buf, method::Binding, Class::Request, tid);
  b.add(attr::Userhash, uh)
      .add_string(attr::Nonce, test::kB1Nonce)
      .add_string(attr::Realm, realm)
      .add_password_algorithm(kAlgSha256)
      .add_message_integrity_sha256(key);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(std::vector<uint8_t>(b.bytes().begin(), b.bytes().end()), want);
}

TEST(StunBuilder, OverflowStopsCleanly) {
  std::vector<uint8_t> storage(64 + 16, 0xAA);
  std::span<uint8_t> buf(storage.data(), 64);
  Builder b(buf, method::Binding, Class::Success, kTid);
  b.add_string(attr::Software, "0123456789abcdef");  // 20 + 20 = 40
  ASSERT_TRUE(b.ok());
  b.add_string(attr::Realm, "0123456789abcdefghijk");  // would need 28 more, 24 left
  EXPECT_FALSE(b.ok());
  EXPECT_EQ(b.size(), 40u);
  b.add_u32(attr::Lifetime, 1).add_fingerprint();  // fits, but the builder has stopped
  EXPECT_FALSE(b.ok());
  EXPECT_EQ(b.size(), 40u);
  // What was built is still a well-formed message; nothing past buf was written.
  Message m;
  EXPECT_EQ(parse(b.bytes(), m), ParseError::None);
  for (size_t i = 64; i < storage.size(); ++i) EXPECT_EQ(storage[i], 0xAA);
  for (size_t i = 40; i < 64; ++i) EXPECT_EQ(storage[i], 0xAA);
}

TEST(StunBuilder, OverflowExactFit) {
  std::vector<uint8_t> buf(20 + 8);
  Builder b(buf, method::Binding, Class::Success, kTid);
  b.add_fingerprint();
  EXPECT_TRUE(b.ok());
  EXPECT_EQ(b.size(), 28u);
  b.add_empty(attr::DontFragment);
  EXPECT_FALSE(b.ok());
  Message m;
  EXPECT_EQ(parse(b.bytes(), m), ParseError::None);
  EXPECT_NE(m.fingerprint, nullptr);
}

TEST(StunBuilder, BufferSmallerThanHeader) {
  std::array<uint8_t, 19> buf{};
  Builder b(buf, method::Binding, Class::Request, kTid);
  EXPECT_FALSE(b.ok());
  EXPECT_EQ(b.size(), 0u);
  b.add_u32(attr::Lifetime, 1);
  EXPECT_EQ(b.size(), 0u);
}

TEST(StunBuilder, MessageLengthLimit) {
  // A value longer than 65535 bytes, or a body over 65532, is refused without wrap.
  std::vector<uint8_t> buf(200000);
  std::vector<uint8_t> big(70000, 1);
  Builder b(buf, method::Send, Class::Indication, kTid);
  b.add(attr::Data, big);
  EXPECT_FALSE(b.ok());
  EXPECT_EQ(b.size(), 20u);
  Builder c(buf, method::Send, Class::Indication, kTid);
  c.add(attr::Data, std::span<const uint8_t>(big).first(65528));  // body 65532
  ASSERT_TRUE(c.ok());
  c.add_empty(attr::DontFragment);
  EXPECT_FALSE(c.ok());
  Message m;
  ASSERT_EQ(parse(c.bytes(), m), ParseError::None);
  EXPECT_EQ(m.find(attr::Data)->value.size(), 65528u);
}

TEST(StunBuilder, FingerprintLengthIncludesItself) {
  std::vector<uint8_t> buf(64);
  Builder b(buf, method::Binding, Class::Request, kTid);
  b.add_fingerprint();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(buf[3], 8);
  const uint32_t crc = crypto::crc32({buf.data(), 20}) ^ kFingerprintXor;
  EXPECT_EQ(buf[24], static_cast<uint8_t>(crc >> 24));
  EXPECT_EQ(buf[27], static_cast<uint8_t>(crc));
}

TEST(StunConstants, DefaultReasons) {
  EXPECT_STREQ(error::default_reason(error::Unauthenticated), "Unauthenticated");
  EXPECT_STREQ(error::default_reason(error::StaleNonce), "Stale Nonce");
  EXPECT_STREQ(error::default_reason(error::AllocationQuotaReached), "Allocation Quota Reached");
  EXPECT_STREQ(error::default_reason(error::InsufficientCapacity), "Insufficient Capacity");
  EXPECT_STREQ(error::default_reason(error::TryAlternate), "Try Alternate");
  EXPECT_STREQ(error::default_reason(999), "");
}

}  // namespace
}  // namespace avedge::stun

// Building STUN messages (RFC 8489 §5, §14). Every byte up to size() is written by the
// builder (padding as zero); nothing beyond buf is ever touched.
#include "wire/stun_builder.hpp"

#include <cstring>

#include "core/crypto.hpp"
#include "wire/byte_order.hpp"

namespace avedge::stun {
using wire::pad4;
using wire::store16;
using wire::store32;
namespace {

constexpr size_t kMaxBody = 0xFFFF & ~size_t{3};  // the 16-bit length, a multiple of 4

// RFC 8489 §5: M11..M7 C1 M6..M4 C0 M3..M0, top two bits zero.
uint16_t message_type(uint16_t method, Class cls) {
  const unsigned m = method & 0x0FFFU;
  const unsigned c = static_cast<unsigned>(cls) & 0x3U;
  return static_cast<uint16_t>((m & 0x000FU) | ((m & 0x0070U) << 1) | ((m & 0x0F80U) << 2) |
                               ((c & 0x1U) << 4) | ((c & 0x2U) << 7));
}

}  // namespace

Builder::Builder(std::span<uint8_t> buf, uint16_t method, Class cls, const TransactionId& tid)
    : buf_(buf), tid_(tid) {
  if (buf_.size() < kHeaderSize) {
    ok_ = false;
    return;
  }
  uint8_t* p = buf_.data();
  store16(p, message_type(method, cls));
  store16(p + 2, 0);
  store32(p + 4, kMagicCookie);
  std::memcpy(p + 8, tid_.data(), tid_.size());
  len_ = kHeaderSize;
}

void Builder::set_length(size_t body_len) {
  store16(buf_.data() + 2, static_cast<uint16_t>(body_len));
}

uint8_t* Builder::reserve(uint16_t type, size_t value_len) {
  if (!ok_) return nullptr;
  const size_t need = 4 + pad4(value_len);
  if (value_len > 0xFFFF || need > buf_.size() - len_ || len_ - kHeaderSize + need > kMaxBody) {
    ok_ = false;
    return nullptr;
  }
  uint8_t* p = buf_.data() + len_;
  store16(p, type);
  store16(p + 2, static_cast<uint16_t>(value_len));
  // Zero the whole value area first: padding never carries old bytes (CVE-2020-4067).
  std::memset(p + 4, 0, pad4(value_len));
  len_ += need;
  set_length(len_ - kHeaderSize);
  return p + 4;
}

Builder& Builder::add(uint16_t type, std::span<const uint8_t> value) {
  if (uint8_t* p = reserve(type, value.size()); p != nullptr && !value.empty()) {
    std::memcpy(p, value.data(), value.size());
  }
  return *this;
}

Builder& Builder::add_string(uint16_t type, std::string_view value) {
  return add(type, {reinterpret_cast<const uint8_t*>(value.data()), value.size()});
}

Builder& Builder::add_u32(uint16_t type, uint32_t value) {
  if (uint8_t* p = reserve(type, 4)) store32(p, value);
  return *this;
}

Builder& Builder::add_empty(uint16_t type) {
  reserve(type, 0);
  return *this;
}

Builder& Builder::add_xor_address(uint16_t type, const Endpoint& ep) {
  // RFC 8489 §14.2: X-Port = port ^ (cookie >> 16); X-Address ^ cookie (|| tid for IPv6).
  const bool v4 = ep.ip.family == Family::V4;
  const size_t n = v4 ? 4 : 16;
  uint8_t* p = reserve(type, 4 + n);
  if (p == nullptr) return *this;
  std::array<uint8_t, 16> mask{};
  store32(mask.data(), kMagicCookie);
  std::memcpy(&mask[4], tid_.data(), tid_.size());
  p[1] = v4 ? kFamilyV4 : kFamilyV6;
  store16(p + 2, static_cast<uint16_t>(ep.port ^ (kMagicCookie >> 16)));
  for (size_t i = 0; i < n; ++i) p[4 + i] = static_cast<uint8_t>(ep.ip.bytes[i] ^ mask[i]);
  return *this;
}

Builder& Builder::add_address(uint16_t type, const Endpoint& ep) {
  // RFC 8489 §14.1.
  const bool v4 = ep.ip.family == Family::V4;
  const size_t n = v4 ? 4 : 16;
  uint8_t* p = reserve(type, 4 + n);
  if (p == nullptr) return *this;
  p[1] = v4 ? kFamilyV4 : kFamilyV6;
  store16(p + 2, ep.port);
  std::memcpy(p + 4, ep.ip.bytes.data(), n);
  return *this;
}

Builder& Builder::add_error_code(uint16_t code, std::string_view reason) {
  // RFC 8489 §14.8: class = code / 100 (3..6), number = code % 100.
  uint8_t* p = reserve(attr::ErrorCode, 4 + reason.size());
  if (p == nullptr) return *this;
  p[2] = static_cast<uint8_t>((code / 100) & 0x07);
  p[3] = static_cast<uint8_t>(code % 100);
  if (!reason.empty()) std::memcpy(p + 4, reason.data(), reason.size());
  return *this;
}

Builder& Builder::add_unknown_attributes(std::span<const uint16_t> types) {
  // RFC 8489 §14.9: list of 16-bit types, padded to 4 with zeros.
  uint8_t* p = reserve(attr::UnknownAttributes, 2 * types.size());
  if (p == nullptr) return *this;
  for (size_t i = 0; i < types.size(); ++i) store16(p + 2 * i, types[i]);
  return *this;
}

Builder& Builder::add_requested_transport(uint8_t protocol) {
  // RFC 8656 §18.11: protocol then 24 bits RFFU.
  if (uint8_t* p = reserve(attr::RequestedTransport, 4)) p[0] = protocol;
  return *this;
}

Builder& Builder::add_address_family(uint16_t type, uint8_t family) {
  // RFC 8656 §18.10 / §18.12: family then 24 reserved bits.
  if (uint8_t* p = reserve(type, 4)) p[0] = family;
  return *this;
}

Builder& Builder::add_channel_number(uint16_t channel) {
  // RFC 8656 §18.1: channel number then 16 bits RFFU.
  if (uint8_t* p = reserve(attr::ChannelNumber, 4)) store16(p, channel);
  return *this;
}

Builder& Builder::add_password_algorithms(std::span<const uint16_t> algorithms) {
  // RFC 8489 §14.11: each entry is algorithm + zero parameter length.
  uint8_t* p = reserve(attr::PasswordAlgorithms, 4 * algorithms.size());
  if (p == nullptr) return *this;
  for (size_t i = 0; i < algorithms.size(); ++i) store16(p + 4 * i, algorithms[i]);
  return *this;
}

Builder& Builder::add_password_algorithm(uint16_t algorithm) {
  // RFC 8489 §14.12.
  if (uint8_t* p = reserve(attr::PasswordAlgorithm, 4)) store16(p, algorithm);
  return *this;
}

Builder& Builder::add_message_integrity(std::span<const uint8_t> key) {
  // RFC 8489 §14.5: HMAC-SHA1 over the message so far; the length field already counts MI
  // because reserve() updated it.
  uint8_t* p = reserve(attr::MessageIntegrity, 20);
  if (p == nullptr) return *this;
  const auto mac = crypto::hmac_sha1(key, {buf_.data(), len_ - 24});
  std::memcpy(p, mac.data(), mac.size());
  return *this;
}

Builder& Builder::add_message_integrity_sha256(std::span<const uint8_t> key) {
  // RFC 8489 §14.6: full 32-byte HMAC-SHA256.
  uint8_t* p = reserve(attr::MessageIntegritySha256, 32);
  if (p == nullptr) return *this;
  const auto mac = crypto::hmac_sha256(key, {buf_.data(), len_ - 36});
  std::memcpy(p, mac.data(), mac.size());
  return *this;
}

Builder& Builder::add_fingerprint() {
  // RFC 8489 §14.7: CRC-32 of the message up to FINGERPRINT, length including it, XOR
  // 0x5354554e.
  uint8_t* p = reserve(attr::Fingerprint, 4);
  if (p == nullptr) return *this;
  store32(p, crypto::crc32({buf_.data(), len_ - 8}) ^ kFingerprintXor);
  return *this;
}

}  // namespace avedge::stun

// STUN message parsing, attribute decoders and integrity checks (RFC 8489 §5, §14).
// Multi-byte fields are read with byte shifts: no pointer casts, no alignment assumptions
// (coturn CVE-2026-40613). All lengths are size_t (no 16-bit wrap).
#include "wire/stun_message.hpp"

#include <algorithm>
#include <cstring>

#include "core/crypto.hpp"
#include "wire/byte_order.hpp"

namespace avedge::stun {
using wire::load16;
using wire::load32;
using wire::pad4;
namespace {

// Comprehension-required attributes this server understands (RFC 8489 §7.3.1).
constexpr uint16_t kKnownRequired[] = {attr::MappedAddress,
                                       attr::Username,
                                       attr::MessageIntegrity,
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
                                       attr::MessageIntegritySha256,
                                       attr::PasswordAlgorithm,
                                       attr::Userhash,
                                       attr::XorMappedAddress,
                                       attr::ReservationToken,
                                       attr::Priority,
                                       attr::UseCandidate};

bool known_required(uint16_t type) {
  return std::find(std::begin(kKnownRequired), std::end(kKnownRequired), type) !=
         std::end(kKnownRequired);
}

// Bytes [20, mi_offset) of the message plus a copy of the header whose length field says the
// message ends right after the integrity attribute (RFC 8489 §14.5, §14.6).
struct IntegrityInput {
  std::array<uint8_t, kHeaderSize> header{};
  std::span<const uint8_t> body;
};

IntegrityInput integrity_input(const Message& m, const Attribute& a) {
  IntegrityInput in;
  std::memcpy(in.header.data(), m.raw.data(), kHeaderSize);
  const size_t covered_len = size_t{a.offset} + 4 + a.value.size() - kHeaderSize;
  in.header[2] = static_cast<uint8_t>(covered_len >> 8);
  in.header[3] = static_cast<uint8_t>(covered_len);
  in.body = m.raw.subspan(kHeaderSize, a.offset - kHeaderSize);
  return in;
}

std::optional<Endpoint> decode_address_impl(const Attribute& a, const uint8_t* mask) {
  // RFC 8489 §14.1/§14.2: 0, family, port, address (4 or 16 bytes).
  const auto v = a.value;
  if (v.size() < 4) return std::nullopt;
  Endpoint ep;
  size_t n = 0;
  if (v[1] == kFamilyV4 && v.size() == 8) {
    ep.ip.family = Family::V4;
    n = 4;
  } else if (v[1] == kFamilyV6 && v.size() == 20) {
    ep.ip.family = Family::V6;
    n = 16;
  } else {
    return std::nullopt;
  }
  ep.port = load16(&v[2]);
  for (size_t i = 0; i < n; ++i) ep.ip.bytes[i] = v[4 + i];
  if (mask != nullptr) {
    ep.port = static_cast<uint16_t>(ep.port ^ (kMagicCookie >> 16));
    for (size_t i = 0; i < n; ++i) ep.ip.bytes[i] ^= mask[i];
  }
  return ep;
}

}  // namespace

const char* to_string(ParseError e) {
  switch (e) {
    case ParseError::None:
      return "none";
    case ParseError::TooShort:
      return "too short";
    case ParseError::NotStun:
      return "not STUN";
    case ParseError::BadLength:
      return "bad length";
    case ParseError::BadAttribute:
      return "bad attribute";
    case ParseError::TooManyAttributes:
      return "too many attributes";
    case ParseError::BadFingerprint:
      return "bad fingerprint";
  }
  return "unknown";
}

const Attribute* Message::find(uint16_t type) const {
  switch (type) {
    case attr::MessageIntegrity:
      return message_integrity;
    case attr::MessageIntegritySha256:
      return message_integrity_sha256;
    case attr::Fingerprint:
      return fingerprint;
    default:
      break;
  }
  for (size_t i = 0; i < covered_count; ++i) {
    if (attrs[i].type == type) return &attrs[i];
  }
  return nullptr;
}

bool looks_like_stun(std::span<const uint8_t> data) {
  return data.size() >= kHeaderSize && (data[0] & 0xC0) == 0 && load32(&data[4]) == kMagicCookie;
}

ParseError parse(std::span<const uint8_t> data, Message& out) {
  out = Message{};
  if (data.size() < kHeaderSize) return ParseError::TooShort;
  // RFC 8489 §5: top two bits zero, magic cookie.
  if ((data[0] & 0xC0) != 0 || load32(&data[4]) != kMagicCookie) return ParseError::NotStun;
  const size_t body_len = load16(&data[2]);
  if (body_len % 4 != 0) return ParseError::BadLength;
  const size_t total = kHeaderSize + body_len;
  if (total > data.size()) return ParseError::TooShort;
  if (total < data.size()) return ParseError::BadLength;

  // Message type: M11..M7 C1 M6..M4 C0 M3..M0 (RFC 8489 §5, figure 3).
  const uint16_t t = load16(&data[0]);
  out.method = static_cast<uint16_t>((t & 0x000F) | ((t & 0x00E0) >> 1) | ((t & 0x3E00) >> 2));
  out.cls = static_cast<Class>(((t >> 4) & 0x1) | ((t >> 7) & 0x2));
  std::memcpy(out.tid.data(), &data[8], out.tid.size());
  out.raw = data.first(total);

  // After MESSAGE-INTEGRITY only MI-SHA256 and FINGERPRINT count; after MI-SHA256 only
  // FINGERPRINT (RFC 8489 §14.5, §14.6). FINGERPRINT must be last (§14.7).
  bool covered_open = true;
  size_t off = kHeaderSize;
  while (off < total) {
    const size_t remaining = total - off;
    if (remaining < 4) return ParseError::BadAttribute;
    const uint16_t type = load16(&data[off]);
    const size_t len = load16(&data[off + 2]);
    if (len > remaining - 4 || pad4(len) > remaining - 4) return ParseError::BadAttribute;
    if (out.fingerprint != nullptr) return ParseError::BadFingerprint;  // not last
    if (out.attr_count >= kMaxAttributes) return ParseError::TooManyAttributes;

    Attribute& a = out.attrs[out.attr_count];
    a.type = type;
    a.value = data.subspan(off + 4, len);
    a.offset = static_cast<uint32_t>(off);
    ++out.attr_count;

    if (type == attr::Fingerprint) {
      out.fingerprint = &a;
      covered_open = false;
    } else if (type == attr::MessageIntegritySha256) {
      if (out.message_integrity_sha256 == nullptr) out.message_integrity_sha256 = &a;
      covered_open = false;
    } else if (type == attr::MessageIntegrity) {
      if (out.message_integrity == nullptr && out.message_integrity_sha256 == nullptr) {
        out.message_integrity = &a;
      }
      covered_open = false;
    }
    if (covered_open) out.covered_count = out.attr_count;
    off += 4 + pad4(len);
  }

  if (out.fingerprint != nullptr) {
    const Attribute& f = *out.fingerprint;
    if (f.value.size() != 4) return ParseError::BadFingerprint;
    const uint32_t want = crypto::crc32(data.first(f.offset)) ^ kFingerprintXor;
    if (load32(f.value.data()) != want) return ParseError::BadFingerprint;
  }
  return ParseError::None;
}

size_t unknown_required_attributes(const Message& m, std::span<uint16_t> unknown) {
  const size_t cap = std::min<size_t>(unknown.size(), 8);
  size_t n = 0;
  for (const Attribute& a : m.attributes()) {
    if (n == cap) break;
    if (!attr::comprehension_required(a.type) || known_required(a.type)) continue;
    const auto listed = unknown.first(n);
    if (std::find(listed.begin(), listed.end(), a.type) != listed.end()) continue;
    unknown[n++] = a.type;
  }
  return n;
}

std::optional<Endpoint> decode_xor_address(const Attribute& a, const TransactionId& tid) {
  // RFC 8489 §14.2: X-Port = port ^ top 16 bits of cookie; X-Address ^ cookie (|| tid for v6).
  std::array<uint8_t, 16> mask{};
  mask[0] = static_cast<uint8_t>(kMagicCookie >> 24);
  mask[1] = static_cast<uint8_t>(kMagicCookie >> 16);
  mask[2] = static_cast<uint8_t>(kMagicCookie >> 8);
  mask[3] = static_cast<uint8_t>(kMagicCookie);
  std::memcpy(&mask[4], tid.data(), tid.size());
  return decode_address_impl(a, mask.data());
}

std::optional<Endpoint> decode_address(const Attribute& a) {
  return decode_address_impl(a, nullptr);
}

std::optional<uint32_t> decode_u32(const Attribute& a) {
  if (a.value.size() != 4) return std::nullopt;
  return load32(a.value.data());
}

std::optional<uint16_t> decode_channel_number(const Attribute& a) {
  // RFC 8656 §18.1: channel number (16 bits) then RFFU (16 bits).
  if (a.value.size() != 4) return std::nullopt;
  return load16(a.value.data());
}

std::optional<ErrorCode> decode_error_code(const Attribute& a) {
  // RFC 8489 §14.8: 21 reserved bits, class (3 bits, 3..6), number (0..99), reason.
  const auto v = a.value;
  if (v.size() < 4) return std::nullopt;
  const unsigned cls = v[2] & 0x07U;
  const unsigned num = v[3];
  if (cls < 3 || cls > 6 || num > 99) return std::nullopt;
  ErrorCode e;
  e.code = static_cast<uint16_t>(cls * 100 + num);
  e.reason = std::string_view(reinterpret_cast<const char*>(v.data() + 4), v.size() - 4);
  return e;
}

std::string_view decode_string(const Attribute& a) {
  if (a.value.empty()) return {};
  return {reinterpret_cast<const char*>(a.value.data()), a.value.size()};
}

std::optional<uint8_t> decode_requested_transport(const Attribute& a) {
  if (a.value.size() != 4) return std::nullopt;
  return a.value[0];
}

std::optional<uint8_t> decode_address_family(const Attribute& a) {
  // RFC 8656 §18.10: family (8 bits) then 24 reserved bits.
  if (a.value.size() != 4) return std::nullopt;
  return a.value[0];
}

std::optional<bool> decode_even_port(const Attribute& a) {
  // RFC 8656 §18.8: one byte, R bit first.
  if (a.value.size() != 1) return std::nullopt;
  return (a.value[0] & 0x80) != 0;
}

std::optional<PasswordAlgorithm> decode_password_algorithm(const Attribute& a) {
  // RFC 8489 §14.12: algorithm (16), parameters length (16), parameters.
  const auto v = a.value;
  if (v.size() < 4) return std::nullopt;
  const size_t plen = load16(&v[2]);
  if (plen > v.size() - 4) return std::nullopt;
  return PasswordAlgorithm{load16(&v[0]), v.subspan(4, plen)};
}

std::optional<size_t> decode_password_algorithms(const Attribute& a,
                                                 std::span<PasswordAlgorithm> out) {
  // RFC 8489 §14.11: a list of (algorithm, length, parameters padded to 4).
  const auto v = a.value;
  size_t off = 0;
  size_t n = 0;
  while (off < v.size()) {
    if (v.size() - off < 4 || n == out.size()) return std::nullopt;
    const size_t plen = load16(&v[off + 2]);
    if (plen > v.size() - off - 4) return std::nullopt;
    out[n++] = PasswordAlgorithm{load16(&v[off]), v.subspan(off + 4, plen)};
    off += 4 + std::min(pad4(plen), v.size() - off - 4);
  }
  return n;
}

bool verify_message_integrity(const Message& m, std::span<const uint8_t> key) {
  const Attribute* a = m.message_integrity;
  if (a == nullptr || a->value.size() != crypto::Sha1Digest{}.size()) return false;
  const IntegrityInput in = integrity_input(m, *a);
  const std::span<const uint8_t> parts[] = {in.header, in.body};
  const auto mac = crypto::hmac_sha1_parts(key, parts);
  return crypto::equal_ct(mac, a->value);
}

bool verify_message_integrity_sha256(const Message& m, std::span<const uint8_t> key) {
  // RFC 8489 §14.6: the HMAC may be truncated to at least 16 bytes, a multiple of 4.
  const Attribute* a = m.message_integrity_sha256;
  if (a == nullptr) return false;
  const size_t n = a->value.size();
  if (n < 16 || n > 32 || n % 4 != 0) return false;
  const IntegrityInput in = integrity_input(m, *a);
  const std::span<const uint8_t> parts[] = {in.header, in.body};
  const auto mac = crypto::hmac_sha256_parts(key, parts);
  return crypto::equal_ct(std::span<const uint8_t>(mac).first(n), a->value);
}

}  // namespace avedge::stun

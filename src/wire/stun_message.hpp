// Parsing STUN messages into views over the caller's buffer (RFC 8489 §5, §14).
// The parser never reads past the buffer and never allocates.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/address.hpp"
#include "wire/stun_constants.hpp"

namespace avedge::stun {

using TransactionId = std::array<uint8_t, 12>;

struct Attribute {
  uint16_t type = 0;
  std::span<const uint8_t> value;  // without padding
  uint32_t offset = 0;  // offset of the attribute header in the message (may exceed 65535)
};

enum class ParseError : uint8_t {
  None,
  TooShort,           // fewer than 20 bytes, or shorter than the header's length says
  NotStun,            // top two bits set or magic cookie wrong
  BadLength,          // header length not a multiple of 4 or not equal to the datagram
  BadAttribute,       // attribute length runs past the message
  TooManyAttributes,  // more than kMaxAttributes
  BadFingerprint,     // FINGERPRINT present but wrong or not last (RFC 8489 §7.3: discard)
};
const char* to_string(ParseError e);

struct Message {
  uint16_t method = 0;
  Class cls = Class::Request;
  TransactionId tid{};
  std::span<const uint8_t> raw;  // the whole message, header included

  std::array<Attribute, kMaxAttributes> attrs{};
  uint8_t attr_count = 0;
  // Attributes before this index are covered by MESSAGE-INTEGRITY(-SHA256); RFC 8489 §14.5
  // says everything after MESSAGE-INTEGRITY except MESSAGE-INTEGRITY-SHA256 and FINGERPRINT
  // is ignored. find() only looks at attrs[0 .. covered_count).
  uint8_t covered_count = 0;
  const Attribute* message_integrity = nullptr;
  const Attribute* message_integrity_sha256 = nullptr;
  const Attribute* fingerprint = nullptr;

  // First covered attribute of that type; for MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256
  // and FINGERPRINT returns the pointers above.
  [[nodiscard]] const Attribute* find(uint16_t type) const;
  [[nodiscard]] std::span<const Attribute> attributes() const {
    return {attrs.data(), covered_count};
  }
};

// True when the first bytes look like STUN: top two bits zero and the magic cookie.
bool looks_like_stun(std::span<const uint8_t> data);

// Parses a complete message. The data must hold exactly one message (UDP datagram or a
// stream frame). A message of a STUN with a bad FINGERPRINT is rejected (§7.3).
// Note: out keeps pointers into itself and into data; do not copy it after parsing.
ParseError parse(std::span<const uint8_t> data, Message& out);

// Comprehension-required attributes this server does not know (RFC 8489 §7.3.1 → 420).
// Fills `unknown` (at most 8 entries, RFC 8489 §14.9 list kept short) and returns the count.
size_t unknown_required_attributes(const Message& m, std::span<uint16_t> unknown);

// --- attribute value decoders (RFC 8489 §14) ---
std::optional<Endpoint> decode_xor_address(const Attribute& a, const TransactionId& tid);
std::optional<Endpoint> decode_address(const Attribute& a);  // MAPPED-ADDRESS, ALTERNATE-SERVER
std::optional<uint32_t> decode_u32(const Attribute& a);
std::optional<uint16_t> decode_channel_number(const Attribute& a);  // first 16 bits, RFFU ignored
struct ErrorCode {
  uint16_t code = 0;
  std::string_view reason;
};
std::optional<ErrorCode> decode_error_code(const Attribute& a);
std::string_view decode_string(const Attribute& a);
// REQUESTED-TRANSPORT: the protocol number, RFFU ignored (RFC 8656 §18.11).
std::optional<uint8_t> decode_requested_transport(const Attribute& a);
// REQUESTED-ADDRESS-FAMILY / ADDITIONAL-ADDRESS-FAMILY: 0x01 or 0x02 (any other value too).
std::optional<uint8_t> decode_address_family(const Attribute& a);
// EVEN-PORT: the R bit.
std::optional<bool> decode_even_port(const Attribute& a);
// PASSWORD-ALGORITHM (one) / PASSWORD-ALGORITHMS (list of (alg, params)).
struct PasswordAlgorithm {
  uint16_t algorithm = 0;
  std::span<const uint8_t> params;
};
std::optional<PasswordAlgorithm> decode_password_algorithm(const Attribute& a);
// PASSWORD-ALGORITHMS: fills `out` with up to out.size() entries; nullopt when malformed
// (an entry runs past the value) or when there are more entries than out holds.
std::optional<size_t> decode_password_algorithms(const Attribute& a,
                                                 std::span<PasswordAlgorithm> out);

// --- integrity (RFC 8489 §14.5, §14.6, §14.7) ---
// key: the long-term key (MD5 or SHA-256 of user:realm:pass) or short-term password.
bool verify_message_integrity(const Message& m, std::span<const uint8_t> key);
bool verify_message_integrity_sha256(const Message& m, std::span<const uint8_t> key);

}  // namespace avedge::stun

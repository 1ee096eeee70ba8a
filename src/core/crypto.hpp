// Thin wrappers over OpenSSL for the primitives STUN/TURN needs.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace avedge::crypto {

using Sha1Digest = std::array<uint8_t, 20>;
using Sha256Digest = std::array<uint8_t, 32>;
using Md5Digest = std::array<uint8_t, 16>;

Sha1Digest hmac_sha1(std::span<const uint8_t> key, std::span<const uint8_t> data);
Sha256Digest hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> data);
// HMAC over the concatenation of `parts`, fed incrementally (no copy of the data).
Sha1Digest hmac_sha1_parts(std::span<const uint8_t> key,
                           std::span<const std::span<const uint8_t>> parts);
Sha256Digest hmac_sha256_parts(std::span<const uint8_t> key,
                               std::span<const std::span<const uint8_t>> parts);
Md5Digest md5(std::span<const uint8_t> data);
Sha256Digest sha256(std::span<const uint8_t> data);

// CRC-32 (ISO-HDLC, as zlib) used by STUN FINGERPRINT (RFC 8489 §14.7).
uint32_t crc32(std::span<const uint8_t> data);

// Cryptographically secure random bytes (OpenSSL RAND_bytes). Never libc rand:
// predictable nonces and ports were coturn's CVE-2025-69217.
void random_bytes(std::span<uint8_t> out);
uint32_t random_u32();

// Constant-time equality; false when lengths differ.
bool equal_ct(std::span<const uint8_t> a, std::span<const uint8_t> b);

std::string base64_encode(std::span<const uint8_t> data);
std::optional<std::vector<uint8_t>> base64_decode(std::string_view text);
std::string hex(std::span<const uint8_t> data);

inline std::span<const uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};  // NOLINT
}

}  // namespace avedge::crypto

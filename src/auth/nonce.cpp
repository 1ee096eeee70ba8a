// Nonce layout (51 printable ASCII characters, well under the 763-byte/128-char limit of
// RFC 8489 §14.10, and free of '"' and '\' so it fits a quoted-string):
//
//   "obMatJos2"            9   nonce cookie, RFC 8489 §9.2
//   features               4   base64 of the 24 security-feature bits, RFC 8489 §9.2 / §18.1
//   issue time            16   lower-case hex of the 64-bit unix seconds, big-endian
//   tag                   22   base64url (no padding) of HMAC-SHA256 truncated to 16 bytes
//
// The tag covers everything before it plus the client's transport address (family, address,
// port), so a nonce is bound to one client (RFC 8489 §9.2.2: a nonce is specific to the
// source transport address) and its feature bits cannot be changed (bid-down, §9.2.4).
#include "auth/nonce.hpp"

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "core/crypto.hpp"

namespace avedge::auth {

namespace {

constexpr size_t kFeatureLen = 4;
constexpr size_t kTimeLen = 16;
constexpr size_t kTagBytes = 16;
constexpr size_t kTagLen = 22;  // ceil(16 * 4 / 3) without padding
constexpr size_t kPrefixLen = kNonceCookie.size() + kFeatureLen + kTimeLen;
constexpr size_t kNonceLen = kPrefixLen + kTagLen;
static_assert(kNonceLen <= 127, "RFC 8489 §14.10: NONCE MUST be fewer than 128 characters");

constexpr int64_t kMaxFutureSkew = 5;  // seconds

// RFC 8489 §9.2: "bit 0" is the most significant bit of the 24.
constexpr uint32_t kFeaturePasswordAlgorithms = 1u << 23;
constexpr uint32_t kFeatureUsernameAnonymity = 1u << 22;

// The features field uses the standard base64 alphabet (RFC 4648 §4), as RFC 8489 §9.2 says.
constexpr std::string_view kB64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
// The tag uses base64url (RFC 4648 §5).
constexpr std::string_view kB64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int b64_value(char c) {
  const size_t pos = kB64.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

std::string encode_features(uint32_t bits) {
  std::string out(kFeatureLen, 'A');
  for (size_t i = 0; i < kFeatureLen; ++i) {
    out[i] = kB64[(bits >> (18 - 6 * i)) & 0x3F];
  }
  return out;
}

std::optional<uint32_t> decode_features(std::string_view s) {
  if (s.size() != kFeatureLen) return std::nullopt;
  uint32_t bits = 0;
  for (char c : s) {
    const int v = b64_value(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(v);
  }
  return bits;
}

std::string encode_time(uint64_t t) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(kTimeLen, '0');
  for (size_t i = 0; i < kTimeLen; ++i) {
    out[kTimeLen - 1 - i] = kHex[(t >> (4 * i)) & 0xF];
  }
  return out;
}

std::optional<uint64_t> decode_time(std::string_view s) {
  if (s.size() != kTimeLen) return std::nullopt;
  uint64_t t = 0;
  for (char c : s) {
    unsigned v = 0;
    if (c >= '0' && c <= '9') {
      v = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v = static_cast<unsigned>(c - 'a' + 10);
    } else {
      return std::nullopt;  // lower case only: one text per value
    }
    t = (t << 4) | v;
  }
  return t;
}

std::string base64url_nopad(std::span<const uint8_t> data) {
  std::string out;
  out.reserve((data.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    out += kB64Url[(v >> 18) & 0x3F];
    out += kB64Url[(v >> 12) & 0x3F];
    out += kB64Url[(v >> 6) & 0x3F];
    out += kB64Url[v & 0x3F];
  }
  const size_t rest = data.size() - i;
  if (rest == 1) {
    const uint32_t v = uint32_t{data[i]} << 16;
    out += kB64Url[(v >> 18) & 0x3F];
    out += kB64Url[(v >> 12) & 0x3F];
  } else if (rest == 2) {
    const uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8);
    out += kB64Url[(v >> 18) & 0x3F];
    out += kB64Url[(v >> 12) & 0x3F];
    out += kB64Url[(v >> 6) & 0x3F];
  }
  return out;
}

// Tag = base64url(HMAC-SHA256(key, prefix | family | address | port)[0..16]).
std::string make_tag(const std::array<uint8_t, 32>& key, std::string_view prefix,
                     const Endpoint& client) {
  std::vector<uint8_t> msg;
  msg.reserve(prefix.size() + 1 + 16 + 2);
  msg.insert(msg.end(), prefix.begin(), prefix.end());
  msg.push_back(static_cast<uint8_t>(client.ip.family));
  msg.insert(msg.end(), client.ip.bytes.begin(),
             client.ip.bytes.begin() + static_cast<std::ptrdiff_t>(client.ip.size()));
  msg.push_back(static_cast<uint8_t>(client.port >> 8));
  msg.push_back(static_cast<uint8_t>(client.port));
  const auto mac = crypto::hmac_sha256(key, msg);
  return base64url_nopad(std::span<const uint8_t>(mac.data(), kTagBytes));
}

}  // namespace

NonceService::NonceService(std::array<uint8_t, 32> key, Seconds lifetime, bool userhash_feature)
    : key_(key), lifetime_(lifetime), userhash_(userhash_feature) {}

std::string NonceService::issue(const Endpoint& client, UnixSeconds now_unix) const {
  uint32_t features = kFeaturePasswordAlgorithms;
  if (userhash_) features |= kFeatureUsernameAnonymity;
  const uint64_t t = now_unix < 0 ? 0 : static_cast<uint64_t>(now_unix);
  std::string nonce;
  nonce.reserve(kNonceLen);
  nonce += kNonceCookie;
  nonce += encode_features(features);
  nonce += encode_time(t);
  nonce += make_tag(key_, nonce, client);
  return nonce;
}

NonceCheck NonceService::check(std::string_view nonce, const Endpoint& client,
                               UnixSeconds now_unix) const {
  if (nonce.size() != kNonceLen || !nonce.starts_with(kNonceCookie)) return NonceCheck::Invalid;
  if (!decode_features(nonce.substr(kNonceCookie.size(), kFeatureLen))) {
    return NonceCheck::Invalid;
  }
  const auto issued = decode_time(nonce.substr(kNonceCookie.size() + kFeatureLen, kTimeLen));
  if (!issued || *issued > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    return NonceCheck::Invalid;

  // Constant-time tag compare; a nonce for another client address fails here too.
  const std::string want = make_tag(key_, nonce.substr(0, kPrefixLen), client);
  if (!crypto::equal_ct(crypto::as_bytes(want), crypto::as_bytes(nonce.substr(kPrefixLen)))) {
    return NonceCheck::Invalid;
  }

  const auto issued_at = static_cast<int64_t>(*issued);
  // Differences computed in uint64 so that no int64 overflow is possible; the sign is
  // decided first.
  if (issued_at > now_unix) {
    const uint64_t ahead = static_cast<uint64_t>(issued_at) - static_cast<uint64_t>(now_unix);
    if (ahead > static_cast<uint64_t>(kMaxFutureSkew)) return NonceCheck::Invalid;
    return NonceCheck::Valid;
  }
  const uint64_t age = static_cast<uint64_t>(now_unix) - static_cast<uint64_t>(issued_at);
  const int64_t life = lifetime_.count();
  // RFC 8489 §9.2.4 / RFC 8656 §5: an expired nonce gets 438 Stale Nonce.
  if (life <= 0 || age >= static_cast<uint64_t>(life)) return NonceCheck::Stale;
  return NonceCheck::Valid;
}

bool NonceService::has_password_algorithms_bit(std::string_view nonce) {
  if (nonce.size() < kNonceCookie.size() + kFeatureLen || !nonce.starts_with(kNonceCookie)) {
    return false;
  }
  const auto bits = decode_features(nonce.substr(kNonceCookie.size(), kFeatureLen));
  return bits && (*bits & kFeaturePasswordAlgorithms) != 0;
}

}  // namespace avedge::auth

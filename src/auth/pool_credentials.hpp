// Stateless per-pool relay credentials (DESIGN.md §3, issue 3). The username carries the
// issuing pool, the key id, the expiry and the user's identity; the password is an HMAC of the
// username under that pool's key. Both are base64 strings, as MRAS clients expect. Any edge of
// the issuing pool validates them with its key list alone; an edge of another pool can still
// read who issued them, and say so.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace avedge::auth {

// Bounds of the fields a pool username carries; longer inputs are refused, so a username
// stays far below STUN's 509-byte USERNAME limit (RFC 8489 §14.3).
inline constexpr size_t kMaxPoolName = 64;
inline constexpr size_t kMaxKeyId = 32;
inline constexpr size_t kMaxIdentity = 256;
inline constexpr size_t kMinPoolSecret = 16;

struct PoolKey {
  std::string id;      // "k1"
  std::string secret;  // at least 16 bytes
};

// What a pool username says, readable by any edge without a key.
struct PoolCredentialInfo {
  std::string pool;
  std::string key_id;
  UnixSeconds expiry = 0;
  std::string identity;  // "sip:alice@contoso.com"
};

struct IssuedCredential {
  std::string username;  // base64
  std::string password;  // base64
  UnixSeconds expiry = 0;
};

// Parses a pool username; nullopt when it is not one (then it may be static or TURN REST).
std::optional<PoolCredentialInfo> decode_pool_username(std::string_view username);

// Issues a credential of `pool` for `identity` under key `key`, valid until now + lifetime.
// Returns an empty username when pool, key id or identity is empty, too long (see the
// bounds above) or holds control characters; callers validate their input first.
IssuedCredential issue_pool_credential(std::string_view pool, const PoolKey& key,
                                       std::string_view identity, UnixSeconds now,
                                       Seconds lifetime);

// The password an edge expects for a pool username under one of its keys.
std::string pool_password(const PoolKey& key, std::string_view username);

}  // namespace avedge::auth

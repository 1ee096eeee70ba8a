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
IssuedCredential issue_pool_credential(std::string_view pool, const PoolKey& key,
                                       std::string_view identity, UnixSeconds now,
                                       Seconds lifetime);

// The password an edge expects for a pool username under one of its keys.
std::string pool_password(const PoolKey& key, std::string_view username);

}  // namespace avedge::auth

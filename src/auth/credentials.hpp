// Long-term credentials (RFC 8489 §9.2): static users, TURN REST API credentials
// (username "expiry:user", password base64(HMAC-SHA1(secret, username))) and pool
// credentials (auth/pool_credentials.hpp).
// The server stores keys, not passwords (RFC 8656 §6).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/pool_credentials.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"

namespace avedge::auth {

struct LongTermKey {
  crypto::Md5Digest md5{};        // MD5(username ":" realm ":" password), RFC 8489 §9.2.2
  crypto::Sha256Digest sha256{};  // SHA-256 of the same string, for PASSWORD-ALGORITHM SHA-256
};

LongTermKey make_long_term_key(std::string_view username, std::string_view realm,
                               std::string_view password);

// Stable reason codes for why a username has no usable key; logged, never with the secret.
// ForeignPool: a pool credential issued by another pool; UnknownKeyId: this pool's, under a
// key id this edge does not list (rotated out, or not yet rolled out here).
enum class LookupStatus : uint8_t {
  Ok,
  UnknownUser,
  Expired,
  Malformed,
  ForeignPool,
  UnknownKeyId
};
const char* to_string(LookupStatus s);

struct LookupResult {
  LookupStatus status = LookupStatus::UnknownUser;
  // One candidate per active secret (REST rotation) or exactly one for a static user.
  // The caller tries each against MESSAGE-INTEGRITY.
  std::vector<LongTermKey> keys;
  // Set for pool credentials, whatever the status: who issued it, for whom, until when.
  std::optional<PoolCredentialInfo> pool_info;
};

class CredentialStore {
 public:
  explicit CredentialStore(std::string realm);

  void add_static_user(std::string_view username, std::string_view password);
  // Secrets in order of preference; all are accepted, so a secret can rotate.
  void set_rest_secrets(std::vector<std::string> secrets);
  // The edge pool this edge serves and its active keys (several = rotation). Pool usernames
  // of this pool under one of these key ids are accepted until they expire.
  void set_pool(std::string this_pool, std::vector<PoolKey> keys);
  [[nodiscard]] const std::string& pool() const { return pool_; }

  [[nodiscard]] const std::string& realm() const { return realm_; }
  [[nodiscard]] LookupResult lookup(std::string_view username, UnixSeconds now_unix) const;
  // USERHASH (RFC 8489 §14.4): SHA-256(username ":" realm) → username, static users only.
  [[nodiscard]] std::optional<std::string> username_for_userhash(
      std::span<const uint8_t> hash) const;

  // TURN REST helper: the password for a REST username under a secret.
  static std::string rest_password(std::string_view secret, std::string_view username);

 private:
  std::string realm_;
  std::unordered_map<std::string, LongTermKey> static_users_;
  std::unordered_map<std::string, std::string> userhash_to_user_;  // key: raw 32 bytes
  std::vector<std::string> rest_secrets_;
  std::string pool_;
  std::vector<PoolKey> pool_keys_;

  [[nodiscard]] LookupResult lookup_pool(std::string_view username, PoolCredentialInfo info,
                                         UnixSeconds now_unix) const;
};

}  // namespace avedge::auth

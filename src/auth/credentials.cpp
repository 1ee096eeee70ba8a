#include "auth/credentials.hpp"

#include <limits>
#include <utility>

namespace avedge::auth {

namespace {

// The REST expiry: strictly decimal digits, fits int64 (no sign, no spaces, no overflow).
std::optional<int64_t> parse_expiry(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');  // 19 digits cannot overflow uint64
  }
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::string userhash_key(std::string_view username, std::string_view realm) {
  // RFC 8489 §14.4: USERHASH = SHA-256(OpaqueString(username) ":" OpaqueString(realm)).
  std::string s;
  s.reserve(username.size() + 1 + realm.size());
  s += username;
  s += ':';
  s += realm;
  const auto h = crypto::sha256(crypto::as_bytes(s));
  return {h.begin(), h.end()};
}

}  // namespace

LongTermKey make_long_term_key(std::string_view username, std::string_view realm,
                               std::string_view password) {
  // RFC 8489 §9.2.2: key = H(username ":" realm ":" password); SASLprep/OpaqueString is the
  // caller's job (we use the bytes as given).
  std::string s;
  s.reserve(username.size() + realm.size() + password.size() + 2);
  s += username;
  s += ':';
  s += realm;
  s += ':';
  s += password;
  LongTermKey k;
  k.md5 = crypto::md5(crypto::as_bytes(s));
  k.sha256 = crypto::sha256(crypto::as_bytes(s));
  return k;
}

const char* to_string(LookupStatus s) {
  switch (s) {
    case LookupStatus::Ok:
      return "ok";
    case LookupStatus::UnknownUser:
      return "unknown_user";
    case LookupStatus::Expired:
      return "expired";
    case LookupStatus::Malformed:
      return "malformed";
    case LookupStatus::ForeignPool:
      return "foreign_pool";
    case LookupStatus::UnknownKeyId:
      return "unknown_key_id";
  }
  return "unknown";
}

CredentialStore::CredentialStore(std::string realm) : realm_(std::move(realm)) {}

void CredentialStore::add_static_user(std::string_view username, std::string_view password) {
  static_users_[std::string(username)] = make_long_term_key(username, realm_, password);
  userhash_to_user_[userhash_key(username, realm_)] = std::string(username);
}

void CredentialStore::set_rest_secrets(std::vector<std::string> secrets) {
  rest_secrets_ = std::move(secrets);
}

void CredentialStore::set_pool(std::string this_pool, std::vector<PoolKey> keys) {
  pool_ = std::move(this_pool);
  pool_keys_ = std::move(keys);
}

LookupResult CredentialStore::lookup_pool(std::string_view username, PoolCredentialInfo info,
                                          UnixSeconds now_unix) const {
  LookupResult r;
  if (info.pool != pool_) {
    r.status = LookupStatus::ForeignPool;
  } else if (info.expiry < now_unix) {
    r.status = LookupStatus::Expired;
  } else {
    r.status = LookupStatus::UnknownKeyId;
    for (const auto& k : pool_keys_) {
      if (k.id != info.key_id) continue;
      r.status = LookupStatus::Ok;
      r.keys.push_back(make_long_term_key(username, realm_, pool_password(k, username)));
    }
  }
  r.pool_info = std::move(info);
  return r;
}

LookupResult CredentialStore::lookup(std::string_view username, UnixSeconds now_unix) const {
  LookupResult r;
  // Static users take precedence over the pool and REST forms.
  if (auto it = static_users_.find(std::string(username)); it != static_users_.end()) {
    r.status = LookupStatus::Ok;
    r.keys.push_back(it->second);
    return r;
  }
  // A pool username never contains ':' (base64), a REST one always does.
  if (auto info = decode_pool_username(username)) {
    return lookup_pool(username, std::move(*info), now_unix);
  }
  if (rest_secrets_.empty()) {
    r.status = LookupStatus::UnknownUser;
    return r;
  }
  // TURN REST API (draft-uberti-behave-turn-rest-00 §2.2, coturn use-auth-secret):
  // username = "<expiry unix seconds>:<user id>".
  const size_t colon = username.find(':');
  if (colon == std::string_view::npos) {
    r.status = LookupStatus::UnknownUser;
    return r;
  }
  const auto expiry = parse_expiry(username.substr(0, colon));
  if (!expiry || colon + 1 == username.size()) {
    r.status = LookupStatus::Malformed;
    return r;
  }
  if (*expiry < now_unix) {
    r.status = LookupStatus::Expired;
    return r;
  }
  r.status = LookupStatus::Ok;
  r.keys.reserve(rest_secrets_.size());
  for (const auto& secret : rest_secrets_) {
    r.keys.push_back(make_long_term_key(username, realm_, rest_password(secret, username)));
  }
  return r;
}

std::optional<std::string> CredentialStore::username_for_userhash(
    std::span<const uint8_t> hash) const {
  if (hash.size() != crypto::Sha256Digest{}.size()) return std::nullopt;
  const std::string key(hash.begin(), hash.end());
  if (auto it = userhash_to_user_.find(key); it != userhash_to_user_.end()) return it->second;
  return std::nullopt;
}

std::string CredentialStore::rest_password(std::string_view secret, std::string_view username) {
  // password = base64(HMAC-SHA1(secret, username)) (draft-uberti-behave-turn-rest-00 §2.2).
  return crypto::base64_encode(
      crypto::hmac_sha1(crypto::as_bytes(secret), crypto::as_bytes(username)));
}

}  // namespace avedge::auth

// Pool usernames (DESIGN.md §3). The username is base64 (RFC 4648 §4, with padding) of
//   "av" | version 1 | pool len (1) | pool | key id len (1) | key id |
//   expiry (8, big-endian unix seconds) | identity len (2, big-endian) | identity
// so it is a valid STUN USERNAME (RFC 8489 §14.3) that libnice can base64-decode. The magic
// and the exact length check keep TURN REST ("1700000000:alice") and static names apart.
#include "auth/pool_credentials.hpp"

#include "core/crypto.hpp"

namespace avedge::auth {

namespace {

constexpr uint8_t kMagic0 = 'a';
constexpr uint8_t kMagic1 = 'v';
constexpr uint8_t kVersion = 1;
constexpr size_t kMaxRecord = 3 + 1 + kMaxPoolName + 1 + kMaxKeyId + 8 + 2 + kMaxIdentity;
// 4 * ceil(kMaxRecord / 3): the longest username we can have issued.
constexpr size_t kMaxUsername = 4 * ((kMaxRecord + 2) / 3);
static_assert(kMaxUsername <= 509, "RFC 8489 §14.3: USERNAME is less than 509 bytes");

// Names and key ids: printable ASCII without spaces. Identities: no control characters
// (UTF-8 is allowed).
bool printable_token(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

bool valid_identity(std::string_view s) {
  if (s.empty() || s.size() > kMaxIdentity) return false;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

// A bounds-checked reader over the decoded record.
class Reader {
 public:
  explicit Reader(const std::vector<uint8_t>& b) : b_(b) {}
  bool u8(uint8_t& out) {
    if (pos_ + 1 > b_.size()) return false;
    out = b_[pos_++];
    return true;
  }
  bool bytes(size_t n, std::string& out) {
    if (n > b_.size() - pos_) return false;
    out.assign(reinterpret_cast<const char*>(b_.data() + pos_), n);
    pos_ += n;
    return true;
  }
  bool be(size_t n, uint64_t& out) {
    if (n > b_.size() - pos_) return false;
    out = 0;
    for (size_t i = 0; i < n; ++i) out = (out << 8) | b_[pos_++];
    return true;
  }
  [[nodiscard]] bool at_end() const { return pos_ == b_.size(); }

 private:
  const std::vector<uint8_t>& b_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<PoolCredentialInfo> decode_pool_username(std::string_view username) {
  if (username.size() < 8 || username.size() > kMaxUsername) return std::nullopt;
  const auto raw = crypto::base64_decode(username);
  if (!raw || raw->size() < 3) return std::nullopt;
  Reader r(*raw);
  uint8_t m0 = 0;
  uint8_t m1 = 0;
  uint8_t version = 0;
  if (!r.u8(m0) || !r.u8(m1) || !r.u8(version)) return std::nullopt;
  if (m0 != kMagic0 || m1 != kMagic1 || version != kVersion) return std::nullopt;
  PoolCredentialInfo info;
  uint8_t len8 = 0;
  if (!r.u8(len8) || !r.bytes(len8, info.pool)) return std::nullopt;
  if (!r.u8(len8) || !r.bytes(len8, info.key_id)) return std::nullopt;
  uint64_t expiry = 0;
  uint64_t len16 = 0;
  if (!r.be(8, expiry) || !r.be(2, len16) || !r.bytes(len16, info.identity)) return std::nullopt;
  if (!r.at_end()) return std::nullopt;
  if (expiry > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  info.expiry = static_cast<UnixSeconds>(expiry);
  if (!printable_token(info.pool, kMaxPoolName) || !printable_token(info.key_id, kMaxKeyId) ||
      !valid_identity(info.identity)) {
    return std::nullopt;
  }
  return info;
}

IssuedCredential issue_pool_credential(std::string_view pool, const PoolKey& key,
                                       std::string_view identity, UnixSeconds now,
                                       Seconds lifetime) {
  IssuedCredential c;
  if (!printable_token(pool, kMaxPoolName) || !printable_token(key.id, kMaxKeyId) ||
      !valid_identity(identity) || now < 0 || lifetime.count() < 0) {
    return c;
  }
  c.expiry = now + lifetime.count();
  std::vector<uint8_t> rec;
  rec.reserve(kMaxRecord);
  rec.insert(rec.end(), {kMagic0, kMagic1, kVersion});
  rec.push_back(static_cast<uint8_t>(pool.size()));
  rec.insert(rec.end(), pool.begin(), pool.end());
  rec.push_back(static_cast<uint8_t>(key.id.size()));
  rec.insert(rec.end(), key.id.begin(), key.id.end());
  const auto expiry = static_cast<uint64_t>(c.expiry);
  for (int shift = 56; shift >= 0; shift -= 8) rec.push_back(static_cast<uint8_t>(expiry >> shift));
  rec.push_back(static_cast<uint8_t>(identity.size() >> 8));
  rec.push_back(static_cast<uint8_t>(identity.size() & 0xff));
  rec.insert(rec.end(), identity.begin(), identity.end());
  c.username = crypto::base64_encode(rec);
  c.password = pool_password(key, c.username);
  return c;
}

std::string pool_password(const PoolKey& key, std::string_view username) {
  // base64(HMAC-SHA256(secret, username)): 44 characters.
  return crypto::base64_encode(
      crypto::hmac_sha256(crypto::as_bytes(key.secret), crypto::as_bytes(username)));
}

}  // namespace avedge::auth

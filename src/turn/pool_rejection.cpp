#include "turn/pool_rejection.hpp"

#include <string>

namespace avedge::turn {

namespace {

// RFC 8489 §14.8: the reason phrase is fewer than 128 characters.
constexpr size_t kMaxReason = 127;

std::string here(std::string_view this_pool) {
  return this_pool.empty() ? std::string("an edge with no [edge] pool") : std::string(this_pool);
}

}  // namespace

std::string cut_utf8(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t n = max;
  // Back up over continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return std::string(text.substr(0, n));
}

PoolRejection describe_pool_rejection(auth::LookupStatus status,
                                      const auth::PoolCredentialInfo& info,
                                      std::string_view this_pool, UnixSeconds now) {
  const std::string& p = info.pool;
  PoolRejection r;
  std::string brief;
  switch (status) {
    case auth::LookupStatus::ForeignPool:
      r.sentence = "credential issued by " + p + " for " + info.identity + ", presented at " +
                   here(this_pool) + ": " + p +
                   "'s public_fqdn probably points at this pool's edge (check [[edge_pool]] " + p +
                   " public_fqdn)";
      brief = "issued by " + p + ", presented at " + here(this_pool) + ": check [[edge_pool]] " +
              p + " public_fqdn";
      break;
    case auth::LookupStatus::UnknownKeyId:
      r.sentence = "credential of " + p + " for " + info.identity + " is signed with key " +
                   info.key_id + ", which this edge does not list (check [[edge_pool]] " + p +
                   " secrets: key removed, or not yet rolled out to this edge)";
      brief =
          p + " key " + info.key_id + " is not listed here: check [[edge_pool]] " + p + " secrets";
      break;
    case auth::LookupStatus::Expired:
      r.sentence = "credential of " + p + " for " + info.identity + " (key " + info.key_id +
                   ") expired " + std::to_string(now - info.expiry) +
                   " s ago: the client must ask MRAS for new credentials";
      brief = "credential of " + p + " expired " + std::to_string(now - info.expiry) + " s ago";
      break;
    default:
      r.sentence = std::string("pool credential refused: ") + auth::to_string(status);
      brief = r.sentence;
      break;
  }
  r.reason_phrase = cut_utf8(r.sentence.size() <= kMaxReason ? r.sentence : brief, kMaxReason);
  return r;
}

}  // namespace avedge::turn

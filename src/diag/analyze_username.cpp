// Usernames in captures: avedge pool credentials (src/auth/pool_credentials.hpp) and TURN REST
// "expiry:user" names (draft-uberti-behave-turn-rest §2.2).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "auth/pool_credentials.hpp"
#include "diag/analyze.hpp"
#include "diag/analyze_explain.hpp"

namespace avedge::diag {

namespace {

std::string duration(int64_t s) {
  if (s >= 2 * 86400) return fmt::format("{} days", s / 86400);
  if (s >= 2 * 3600) return fmt::format("{} h", s / 3600);
  return fmt::format("{} s", s);
}

// Expiry times are clamped to years 1970-9999 so that no arithmetic below can overflow.
constexpr int64_t kMaxTime = 253402300799;

std::string expiry_text(int64_t expiry, double at, bool& expired) {
  expiry = std::clamp<int64_t>(expiry, 0, kMaxTime);
  const auto now = static_cast<int64_t>(std::clamp(at, 0.0, static_cast<double>(kMaxTime)));
  expired = expiry < now;
  const int64_t d = expired ? now - expiry : expiry - now;
  return fmt::format("expires {} ({} {} {} this packet)", date_time(static_cast<double>(expiry)),
                     expired ? "expired" : "valid for", duration(d), expired ? "before" : "after");
}

}  // namespace

UsernameInfo describe_username(std::string_view username, double at) {
  UsernameInfo u;
  if (auto pool = auth::decode_pool_username(username)) {
    u.kind = UsernameInfo::Kind::Pool;
    u.pool = pool->pool;
    u.summary = fmt::format("pool credential of {} (key {}) for {}, {}", pool->pool, pool->key_id,
                            pool->identity, expiry_text(pool->expiry, at, u.expired));
    return u;
  }
  const size_t colon = username.find(':');
  int64_t expiry = 0;
  if (colon != std::string_view::npos && colon > 0) {
    const char* b = username.data();
    const auto r = std::from_chars(b, b + colon, expiry);
    if (r.ec == std::errc() && r.ptr == b + colon) {
      u.kind = UsernameInfo::Kind::Rest;
      u.summary = fmt::format("TURN REST name of {}, {}", username.substr(colon + 1),
                              expiry_text(expiry, at, u.expired));
      return u;
    }
  }
  u.summary = "static user";
  return u;
}

}  // namespace avedge::diag

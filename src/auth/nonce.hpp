// Stateless nonces (RFC 8489 §9.2): the nonce carries its issue time and an HMAC over the
// client's transport address and that time, so any worker (or any edge sharing the key) can
// check it without per-client state.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/address.hpp"
#include "core/clock.hpp"

namespace avedge::auth {

// RFC 8489 §9.2: "obMatJos2" + base64 of the 24 security-feature bits. We set
// "Password algorithms" (bit 0); username anonymity (bit 1) is set when userhash is enabled.
constexpr std::string_view kNonceCookie = "obMatJos2";

enum class NonceCheck : uint8_t { Valid, Stale, Invalid };

class NonceService {
 public:
  // key: 32 random bytes shared by every worker (and every edge of a pool, later).
  // lifetime: how long a nonce stays valid (RFC 8656 §5: at most one hour).
  NonceService(std::array<uint8_t, 32> key, Seconds lifetime, bool userhash_feature);

  // now_unix: wall-clock seconds; nonces survive a restart when the key does.
  [[nodiscard]] std::string issue(const Endpoint& client, UnixSeconds now_unix) const;
  // Stale: well-formed, HMAC correct, but older than lifetime (→ 438).
  // Invalid: wrong cookie/format/HMAC/address, or from the future beyond 5 s (→ 401 fresh nonce).
  [[nodiscard]] NonceCheck check(std::string_view nonce, const Endpoint& client,
                                 UnixSeconds now_unix) const;
  // True when the nonce announces PASSWORD-ALGORITHMS support (bid-down protection, §9.2.4).
  [[nodiscard]] static bool has_password_algorithms_bit(std::string_view nonce);

 private:
  std::array<uint8_t, 32> key_;
  Seconds lifetime_;
  bool userhash_;
};

}  // namespace avedge::auth

// Settings the TURN core needs, already validated by the config layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "turn/challenge_limiter.hpp"

namespace avedge::turn {

struct ServerConfig {
  std::string realm = "avedge.local";
  Seconds default_lifetime{600};  // RFC 8656 §7.2
  Seconds max_lifetime{3600};
  Seconds permission_lifetime{300};  // RFC 8656 §9: exactly 300 s
  Seconds channel_lifetime{600};     // RFC 8656 §12
  Seconds nonce_lifetime{600};
  size_t max_allocations_total = 10000;
  size_t max_allocations_per_user = 100;
  size_t max_allocations_per_ip = 200;
  size_t max_permissions_per_allocation = 1024;
  size_t max_channels_per_allocation = 1024;
  bool ipv4_relay = true;  // a relay address of this family exists
  bool ipv6_relay = false;
  bool software = false;  // SOFTWARE attribute (off by default: RFC 8656 §21.1.6)
  std::string software_name = "avedge";
  bool sha256_integrity = true;  // offer PASSWORD-ALGORITHMS SHA-256 and MD5
  // true: only RFC 8656's channels 0x4000-0x4FFF; false: also RFC 5766's 0x5000-0x7FFF,
  // which older clients (coturn 4.6's uclient) still pick.
  bool strict_channel_numbers = false;
  // The edge pool this server belongs to ([edge] pool), named in pool-aware rejections.
  std::string pool_name;
  // true: a rejected pool credential's 401 carries the diagnostic sentence as its reason
  // phrase ([edge] diagnostic_reasons); false: an empty reason phrase.
  bool diagnostic_reasons = false;
  // Unauthenticated error answers (401, 438, 400, 420) per second per source IP over UDP,
  // above which requests are dropped silently ([limits] challenges_per_second / _burst).
  ChallengeLimits challenge_limits;
};

// The lifetime granted for a requested LIFETIME (RFC 8656 §7.2 for Allocate, §8 for Refresh).
Seconds clamp_lifetime(const ServerConfig& cfg, std::optional<uint32_t> requested, bool allocate);

}  // namespace avedge::turn

// Rate limit of unauthenticated error answers (401/438 challenges, 400, 420) per source IP
// (RFC 8489 §9.2 and RFC 8656 §7's amplification notes; SECURITY.md §2): a spoofed source
// must not turn the edge into a reflector. Bounded memory and no per-source allocation: a
// fixed table of token buckets indexed by a keyed hash (SipHash-2-4, random key) of the IP.
// Two sources that share a slot share a bucket; the key keeps an attacker from choosing whom.
// Single-threaded: one per turn::Server (worker).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/address.hpp"
#include "core/clock.hpp"

namespace avedge::turn {

struct ChallengeLimits {
  uint32_t per_second = 0;  // answers per second per source IP; 0 = no limit
  uint32_t burst = 0;       // bucket depth (answers allowed at once)
};

// SipHash-2-4 of `data` under the 128-bit key (k0, k1).
uint64_t siphash24(uint64_t k0, uint64_t k1, const uint8_t* data, size_t len);

class ChallengeLimiter {
 public:
  static constexpr size_t kSlots = 8192;

  // Key from the crypto RNG.
  explicit ChallengeLimiter(ChallengeLimits limits);
  ChallengeLimiter(ChallengeLimits limits, uint64_t k0, uint64_t k1);

  // True: answer; false: drop silently (bucket of `ip` empty).
  bool allow(const IpAddress& ip, TimePoint now);
  [[nodiscard]] bool enabled() const { return limits_.per_second != 0; }
  [[nodiscard]] size_t slot_of(const IpAddress& ip) const;

 private:
  ChallengeLimits limits_;
  uint64_t k0_;
  uint64_t k1_;
  // Theoretical arrival time (steady clock, ns) per slot: 64 KiB per worker.
  std::array<int64_t, kSlots> buckets_{};
};

}  // namespace avedge::turn

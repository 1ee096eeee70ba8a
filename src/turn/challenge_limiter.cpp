#include "turn/challenge_limiter.hpp"

#include <algorithm>
#include <cstring>

#include "core/crypto.hpp"

namespace avedge::turn {
namespace {

constexpr uint64_t rotl(uint64_t x, int b) {
  return (x << b) | (x >> (64 - b));
}

struct SipState {
  uint64_t v0, v1, v2, v3;
  void round() {
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
  }
  void absorb(uint64_t m) {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
};

uint64_t load_le64(const uint8_t* p, size_t n) {
  uint64_t m = 0;
  for (size_t i = 0; i < n; ++i) m |= static_cast<uint64_t>(p[i]) << (8 * i);
  return m;
}

uint64_t random_u64() {
  return (static_cast<uint64_t>(crypto::random_u32()) << 32) | crypto::random_u32();
}

}  // namespace

// The reference algorithm (Aumasson and Bernstein, "SipHash: a fast short-input PRF").
uint64_t siphash24(uint64_t k0, uint64_t k1, const uint8_t* data, size_t len) {
  SipState s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
             k1 ^ 0x7465646279746573ULL};
  size_t i = 0;
  for (; i + 8 <= len; i += 8) s.absorb(load_le64(data + i, 8));
  s.absorb(load_le64(data + i, len - i) | (static_cast<uint64_t>(len & 0xff) << 56));
  s.v2 ^= 0xff;
  for (int r = 0; r < 4; ++r) s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

ChallengeLimiter::ChallengeLimiter(ChallengeLimits limits)
    : ChallengeLimiter(limits, random_u64(), random_u64()) {}

ChallengeLimiter::ChallengeLimiter(ChallengeLimits limits, uint64_t k0, uint64_t k1)
    : limits_(limits), k0_(k0), k1_(k1) {
  if (limits_.burst == 0) limits_.burst = limits_.per_second;
}

size_t ChallengeLimiter::slot_of(const IpAddress& ip) const {
  return siphash24(k0_, k1_, ip.bytes.data(), ip.size()) % kSlots;
}

// GCRA, the token bucket as one timestamp (ITU-T I.371): each answer moves the source's
// theoretical arrival time `tat` on by one interval; an answer is allowed while `tat` is at most
// burst intervals ahead of now.
bool ChallengeLimiter::allow(const IpAddress& ip, TimePoint now) {
  if (!enabled()) return true;
  auto& tat = buckets_[slot_of(ip)];
  const int64_t t =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  const int64_t interval = 1'000'000'000LL / limits_.per_second;
  const int64_t start = std::max(tat, t);
  if (start - t > interval * (static_cast<int64_t>(limits_.burst) - 1)) return false;
  tat = start + interval;
  return true;
}

}  // namespace avedge::turn

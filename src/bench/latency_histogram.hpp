// Latency percentiles without storing samples: log-linear buckets (128 sub-buckets per power of
// two, so a percentile is within 0.8% of the true value; exact below 128 ns) up to about 2^38 ns
// (4.6 minutes). Issue 7 judges latencies within 10%: the resolution must be well below that.
#pragma once

#include <array>
#include <cstdint>

namespace avedge::bench {

class LatencyHistogram {
 public:
  void add(uint64_t nanoseconds);
  [[nodiscard]] uint64_t count() const { return count_; }
  // The upper edge of the bucket holding the q-quantile (0 < q <= 1), in nanoseconds; 0 empty.
  [[nodiscard]] uint64_t quantile(double q) const;
  [[nodiscard]] uint64_t max() const { return max_; }

 private:
  static constexpr unsigned kSubBits = 7;
  static constexpr unsigned kSub = 1U << kSubBits;  // sub-buckets per power of two
  static constexpr unsigned kPowers = 32;
  static unsigned bucket_of(uint64_t ns);
  static uint64_t upper_edge(unsigned bucket);
  std::array<uint64_t, kSub * kPowers> buckets_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

}  // namespace avedge::bench

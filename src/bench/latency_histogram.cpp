#include "bench/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace avedge::bench {

unsigned LatencyHistogram::bucket_of(uint64_t ns) {
  if (ns < kSub) return static_cast<unsigned>(ns);
  const unsigned power = static_cast<unsigned>(std::bit_width(ns)) - 1;  // ns in [2^p, 2^(p+1))
  const unsigned shift = power - kSubBits;
  const unsigned sub = static_cast<unsigned>((ns >> shift) - kSub);
  return std::min((power - kSubBits + 1) * kSub + sub, kSub * kPowers - 1);
}

uint64_t LatencyHistogram::upper_edge(unsigned bucket) {
  if (bucket < kSub) return bucket;
  const unsigned power = bucket / kSub + kSubBits - 1;
  const uint64_t sub = bucket % kSub;
  const unsigned shift = power - kSubBits;
  return ((kSub + sub + 1) << shift) - 1;
}

void LatencyHistogram::add(uint64_t nanoseconds) {
  ++buckets_[bucket_of(nanoseconds)];
  ++count_;
  max_ = std::max(max_, nanoseconds);
}

uint64_t LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  uint64_t seen = 0;
  for (unsigned b = 0; b < buckets_.size(); ++b) {
    seen += buckets_[b];
    if (seen < std::max<uint64_t>(rank, 1)) continue;
    return b + 1 == buckets_.size() ? max_ : std::min(upper_edge(b), max_);  // last: open-ended
  }
  return max_;
}

}  // namespace avedge::bench

#include "bench/latency_histogram.hpp"

#include <gtest/gtest.h>

namespace avedge::bench {
namespace {

TEST(LatencyHistogram, EmptyIsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.quantile(0.5), 0U);
}

TEST(LatencyHistogram, QuantilesWithinOnePercent) {
  LatencyHistogram h;
  for (uint64_t i = 1; i <= 100'000; ++i) h.add(i * 1000);  // 1 µs .. 100 ms, uniform
  const auto near = [](uint64_t got, double want) {
    return static_cast<double>(got) >= want * 0.999 && static_cast<double>(got) <= want * 1.008;
  };
  EXPECT_TRUE(near(h.quantile(0.5), 50e6)) << h.quantile(0.5);
  EXPECT_TRUE(near(h.quantile(0.99), 99e6)) << h.quantile(0.99);
  EXPECT_TRUE(near(h.quantile(0.999), 99.9e6)) << h.quantile(0.999);
  EXPECT_EQ(h.quantile(1.0), 100'000'000U);
  EXPECT_EQ(h.max(), 100'000'000U);
  EXPECT_EQ(h.count(), 100'000U);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (uint64_t v : {3, 7, 15, 16, 127}) h.add(v);
  EXPECT_EQ(h.quantile(0.2), 3U);
  EXPECT_EQ(h.quantile(0.6), 15U);
  EXPECT_EQ(h.quantile(1.0), 127U);
}

TEST(LatencyHistogram, HugeValuesStayInTheLastBucket) {
  LatencyHistogram h;
  h.add(UINT64_MAX / 2);
  EXPECT_EQ(h.quantile(0.5), UINT64_MAX / 2);
}

}  // namespace
}  // namespace avedge::bench

#include "perf/thresholds.hpp"

#include <gtest/gtest.h>

namespace avedge::perf {
namespace {

// Two auth-failure columns summed by the rule; one row per second.
Table auth_table(const std::vector<double>& bad, const std::vector<double>& stale) {
  Table t;
  t.columns = {{"avedge_auth_failures_total{reason=bad_integrity,transport=udp}", true},
               {"avedge_auth_failures_total{reason=stale_nonce,transport=udp}", true}};
  for (size_t i = 0; i < bad.size(); ++i) t.rows.push_back({100.0 + double(i), {bad[i], stale[i]}});
  return t;
}

PerfTemplate auth_rule(unsigned samples) {
  PerfTemplate p;
  std::string e;
  p.rules.push_back({"auth failures", *SeriesPattern::parse("avedge_auth_failures_total", e), 10,
                     20, samples, false, "auth.bad_integrity"});
  return p;
}

TEST(Thresholds, TwoSamplesInARowAreNeededAndOneSpikeIsNot) {
  // sums: 5, 15(spike), 5, 12, 25, 30, 8
  const Table t = auth_table({5, 15, 5, 10, 20, 25, 8}, {0, 0, 0, 2, 5, 5, 0});
  const PerfTemplate p = auth_rule(2);
  const auto c = find_crossings(t, p);
  ASSERT_EQ(c.size(), 2U);
  // Warning: rows 3-5 (12, 25, 30), peak 30; error: rows 4-5 (25, 30).
  const Crossing& warn = c[0].level == Level::Warning ? c[0] : c[1];
  const Crossing& err = c[0].level == Level::Error ? c[0] : c[1];
  EXPECT_EQ(warn.first_row, 3U);
  EXPECT_EQ(warn.last_row, 5U);
  EXPECT_DOUBLE_EQ(warn.start, 103);
  EXPECT_DOUBLE_EQ(warn.end, 105);
  EXPECT_DOUBLE_EQ(warn.peak, 30);
  EXPECT_DOUBLE_EQ(warn.threshold, 10);
  EXPECT_EQ(err.first_row, 4U);
  EXPECT_EQ(err.last_row, 5U);
  EXPECT_DOUBLE_EQ(err.threshold, 20);
}

TEST(Thresholds, OneSampleRuleCatchesTheSpike) {
  const Table t = auth_table({5, 15, 5}, {0, 0, 0});
  const auto c = find_crossings(t, auth_rule(1));
  ASSERT_EQ(c.size(), 1U);
  EXPECT_EQ(c[0].first_row, 1U);
  EXPECT_EQ(c[0].level, Level::Warning);
}

TEST(Thresholds, EqualToTheThresholdIsNotAbove) {
  EXPECT_TRUE(find_crossings(auth_table({10, 10, 10}, {0, 0, 0}), auth_rule(2)).empty());
}

TEST(Thresholds, MissingValuesBreakARun) {
  Table t = auth_table({15, 15, 15}, {0, 0, 0});
  t.rows[1].values = {std::nullopt, std::nullopt};
  EXPECT_TRUE(find_crossings(t, auth_rule(2)).empty());
}

TEST(Thresholds, BelowRulesWatchFallingGauges) {
  Table t;
  t.columns = {{"avedge_relay_ports_free", false}};
  for (const double v : {500.0, 90.0, 50.0, 5.0, 500.0}) {
    t.rows.push_back({double(t.rows.size()), {v}});
  }
  PerfTemplate p;
  std::string e;
  p.rules.push_back({"ports", *SeriesPattern::parse("avedge_relay_ports_free", e), 100, 10, 1, true,
                     "capacity.no_relay_port"});
  const auto c = find_crossings(t, p);
  ASSERT_EQ(c.size(), 2U);
  for (const auto& x : c) {
    if (x.level == Level::Warning) {
      EXPECT_EQ(x.first_row, 1U);
      EXPECT_EQ(x.last_row, 3U);
      EXPECT_DOUBLE_EQ(x.peak, 5);  // the lowest
    } else {
      EXPECT_EQ(x.first_row, 3U);
    }
  }
}

}  // namespace
}  // namespace avedge::perf

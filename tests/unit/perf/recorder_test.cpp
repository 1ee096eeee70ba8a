#include "perf/recorder.hpp"

#include <gtest/gtest.h>

#include "perf_test_support.hpp"

namespace avedge::perf {
namespace {

Snapshot snap(double time, double failures, double packets, double allocs) {
  return *parse_metrics_json(test::metrics_doc(time, failures, packets, allocs)).snapshot;
}

TEST(CounterRate, DeltaOverTimeAndResetCountsFromZero) {
  EXPECT_DOUBLE_EQ(counter_rate(100, 130, 2), 15);
  EXPECT_DOUBLE_EQ(counter_rate(100, 6, 2), 3);  // restarted: 0 → 6 in the interval
  EXPECT_DOUBLE_EQ(counter_rate(1, 2, 0), 0);
}

TEST(Recorder, CountersBecomeRatesGaugesStayValues) {
  Recorder rec([](const Series& s) { return s.name != "avedge_allocate_requests_total"; });
  bool added = false;
  EXPECT_FALSE(rec.add(snap(1000, 10, 0, 1), added));  // baseline only
  EXPECT_TRUE(added);
  EXPECT_TRUE(rec.add(snap(1002, 50, 300, 4), added));
  EXPECT_FALSE(added);
  EXPECT_TRUE(rec.add(snap(1003, 5, 400, 2), added));  // the server restarted: 50 → 5
  const Table& t = rec.table();
  ASSERT_EQ(t.columns.size(), 5U);
  const auto fail = *t.column("avedge_auth_failures_total{reason=bad_integrity,transport=udp}");
  const auto pkts = *t.column("avedge_relayed_packets_total{direction=to_peer}");
  const auto allocs = *t.column("avedge_allocations_active{pool=DEVPOOL,transport=udp}");
  EXPECT_TRUE(t.columns[fail].rate);
  EXPECT_FALSE(t.columns[allocs].rate);
  ASSERT_EQ(t.rows.size(), 2U);
  EXPECT_DOUBLE_EQ(*t.rows[0].values[fail], 20);   // (50-10)/2
  EXPECT_DOUBLE_EQ(*t.rows[0].values[pkts], 150);  // 300/2
  EXPECT_DOUBLE_EQ(*t.rows[0].values[allocs], 4);
  EXPECT_DOUBLE_EQ(*t.rows[1].values[fail], 5);  // reset: counted from 0
  EXPECT_DOUBLE_EQ(*t.rows[1].values[pkts], 100);
  EXPECT_FALSE(t.column("avedge_allocate_requests_total{transport=udp}"));
}

TEST(Recorder, ASeriesSeenLaterAddsAColumnCountedFromZero) {
  Recorder rec([](const Series&) { return true; });
  bool added = false;
  rec.add(*parse_metrics_json(R"({"time":10,"metrics":[{"name":"a_total","value":1}]})").snapshot,
          added);
  rec.add(*parse_metrics_json(R"({"time":11,"metrics":[{"name":"a_total","value":2},)"
                              R"({"name":"b_total","labels":{"reason":"x"},"value":4}]})")
               .snapshot,
          added);
  EXPECT_TRUE(added);
  const Table& t = rec.table();
  ASSERT_EQ(t.columns.size(), 2U);
  EXPECT_DOUBLE_EQ(*t.rows[0].values[1], 4);
  rec.add_gap(12);
  EXPECT_EQ(t.rows.size(), 2U);
  EXPECT_FALSE(t.rows[1].values[0].has_value());
}

}  // namespace
}  // namespace avedge::perf

#include "perf/snapshot.hpp"

#include <gtest/gtest.h>

#include "perf_test_support.hpp"

namespace avedge::perf {
namespace {

TEST(Snapshot, ParsesTheContractDocumentWithSortedLabelKeys) {
  const auto r = parse_metrics_json(test::metrics_doc(1764085000.5, 17, 100, 3));
  ASSERT_TRUE(r.snapshot) << r.error;
  EXPECT_DOUBLE_EQ(r.snapshot->time, 1764085000.5);
  ASSERT_EQ(r.snapshot->series.size(), 6U);
  const Series* a = r.snapshot->find("avedge_allocations_active{pool=DEVPOOL,transport=udp}");
  ASSERT_NE(a, nullptr);
  EXPECT_FALSE(a->counter);
  EXPECT_EQ(a->value, 3);
  const Series* f =
      r.snapshot->find("avedge_auth_failures_total{reason=bad_integrity,transport=udp}");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->counter);
  EXPECT_EQ(f->value, 17);
  EXPECT_NE(r.snapshot->find("avedge_relay_ports_free"), nullptr);
  EXPECT_EQ(r.snapshot->sum("avedge_auth_failures_total"), 18);
  EXPECT_EQ(r.snapshot->sum("avedge_auth_failures_total", {{"reason", "stale_nonce"}}), 1);
}

TEST(Snapshot, BadDocumentsAreClearErrors) {
  EXPECT_EQ(parse_metrics_json("<html>").error, "not a JSON document");
  EXPECT_EQ(parse_metrics_json(R"({"metrics": []})").error, "no numeric \"time\" field");
  EXPECT_EQ(parse_metrics_json(R"({"time": 1})").error, "no \"metrics\" array");
  EXPECT_EQ(parse_metrics_json(R"({"time": 1, "metrics": [{"name": "x"}]})").error,
            "metrics[0]: no numeric \"value\"");
  EXPECT_EQ(parse_metrics_json(R"({"time": 1, "metrics": [{"value": 1}]})").error,
            "metrics[0]: no \"name\"");
}

TEST(Snapshot, SeriesKey) {
  EXPECT_EQ(series_key("a", {}), "a");
  EXPECT_EQ(series_key("a_total", {{"z", "1"}, {"b", "2"}}), "a_total{b=2,z=1}");
}

}  // namespace
}  // namespace avedge::perf

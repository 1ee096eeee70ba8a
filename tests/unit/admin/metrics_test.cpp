// Prometheus text exposition 0.0.4 and the JSON rendering of the metrics contract.
#include "admin/metrics.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace avedge::admin {
namespace {

MetricSet sample_set() {
  MetricSet m;
  m.family("avedge_allocations_active", MetricType::Gauge, "Live TURN allocations")
      .add({{"transport", "udp"}, {"pool", "DEVPOOL"}}, Value::of(3));
  m.family("avedge_drops_total", MetricType::Counter, "Datagrams dropped")
      .add({{"reason", "no_permission"}}, Value::of(17))
      .add({{"reason", "malformed"}}, Value::of(0));
  m.family("avedge_process_cpu_seconds_total", MetricType::Counter, "CPU time")
      .add({}, Value::real(1.5));
  return m;
}

TEST(Metrics, PrometheusTextFormat) {
  EXPECT_EQ(render_prometheus(sample_set()),
            "# HELP avedge_allocations_active Live TURN allocations\n"
            "# TYPE avedge_allocations_active gauge\n"
            "avedge_allocations_active{transport=\"udp\",pool=\"DEVPOOL\"} 3\n"
            "# HELP avedge_drops_total Datagrams dropped\n"
            "# TYPE avedge_drops_total counter\n"
            "avedge_drops_total{reason=\"no_permission\"} 17\n"
            "avedge_drops_total{reason=\"malformed\"} 0\n"
            "# HELP avedge_process_cpu_seconds_total CPU time\n"
            "# TYPE avedge_process_cpu_seconds_total counter\n"
            "avedge_process_cpu_seconds_total 1.5\n");
}

TEST(Metrics, PrometheusEscapesLabelValuesAndHelp) {
  MetricSet m;
  m.family("x_total", MetricType::Counter, "a\\b\nc").add({{"pool", "P\"1\\\n"}}, Value::of(1));
  EXPECT_EQ(
      render_prometheus(m),
      "# HELP x_total a\\\\b\\nc\n# TYPE x_total counter\nx_total{pool=\"P\\\"1\\\\\\n\"} 1\n");
}

TEST(Metrics, JsonHasTheSameSamples) {
  const auto j = nlohmann::json::parse(render_json(sample_set(), 1764085000.125));
  EXPECT_DOUBLE_EQ(j["time"].get<double>(), 1764085000.125);
  const auto& ms = j["metrics"];
  ASSERT_EQ(ms.size(), 4U);
  EXPECT_EQ(ms[0]["name"], "avedge_allocations_active");
  EXPECT_EQ(ms[0]["type"], "gauge");
  EXPECT_EQ(ms[0]["help"], "Live TURN allocations");
  EXPECT_EQ(ms[0]["labels"]["transport"], "udp");
  EXPECT_EQ(ms[0]["labels"]["pool"], "DEVPOOL");
  EXPECT_EQ(ms[0]["value"].get<uint64_t>(), 3U);
  EXPECT_EQ(ms[1]["type"], "counter");
  EXPECT_EQ(ms[1]["labels"]["reason"], "no_permission");
  EXPECT_EQ(ms[1]["value"].get<uint64_t>(), 17U);
  EXPECT_TRUE(ms[3]["labels"].is_object());
  EXPECT_TRUE(ms[3]["labels"].empty());
  EXPECT_DOUBLE_EQ(ms[3]["value"].get<double>(), 1.5);
}

TEST(Metrics, FindLooksUpASeries) {
  const MetricSet m = sample_set();
  const Sample* s = m.find("avedge_drops_total", {{"reason", "no_permission"}});
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->value.u, 17U);
  EXPECT_EQ(m.find("avedge_drops_total", {{"reason", "nope"}}), nullptr);
}

}  // namespace
}  // namespace avedge::admin

#include "perf/stat_view.hpp"

#include <gtest/gtest.h>

#include "perf_test_support.hpp"

namespace avedge::perf {
namespace {

TEST(StatView, FirstRefreshShowsValuesLaterOnesRates) {
  const auto a = *parse_metrics_json(test::metrics_doc(1764085000, 10, 100, 3)).snapshot;
  const auto b = *parse_metrics_json(test::metrics_doc(1764085002, 50, 500, 5)).snapshot;
  const std::string first = render_stat(a, std::nullopt, "127.0.0.1:9090");
  EXPECT_NE(first.find("avedge stat  127.0.0.1:9090  2025-11-25 15:36:40 UTC"), std::string::npos)
      << first;
  EXPECT_NE(first.find("allocations   3 active (udp 3)  allocate -"), std::string::npos) << first;
  EXPECT_NE(first.find("failures - (bad_integrity 10, stale_nonce 1)"), std::string::npos) << first;
  const std::string next = render_stat(b, a, "127.0.0.1:9090");
  EXPECT_NE(next.find("allocations   5 active (udp 5)  allocate 2/s"), std::string::npos) << next;
  EXPECT_NE(next.find("failures 20/s (bad_integrity 20/s, stale_nonce 0/s)"), std::string::npos)
      << next;
  EXPECT_NE(next.find("to peer 200 pkt/s"), std::string::npos) << next;
  EXPECT_NE(next.find("free relay ports 998"), std::string::npos) << next;
}

TEST(StatView, TheFastPathLineOnlyWhenItIsOn) {
  const auto off = *parse_metrics_json(test::metrics_doc(1764085000, 0, 0, 1)).snapshot;
  EXPECT_EQ(render_stat(off, std::nullopt, "e").find("fast path"), std::string::npos);
  auto doc = [](double time, double packets) {
    return fmt::format(
        R"({{"time": {}, "metrics": [
  {{"name": "avedge_fast_path_packets_total", "type": "counter", "help": "h",
    "labels": {{"direction": "to_peer"}}, "value": {}}},
  {{"name": "avedge_fast_path_declined_total", "type": "counter", "help": "h", "value": 0}},
  {{"name": "avedge_fast_path_routes", "type": "gauge", "help": "h", "value": 12}}
]}})",
        time, packets);
  };
  const auto a = *parse_metrics_json(doc(1764085000, 1000)).snapshot;
  const auto b = *parse_metrics_json(doc(1764085002, 41000)).snapshot;
  const std::string next = render_stat(b, a, "e");
  EXPECT_NE(next.find("fast path     to peer 20k pkt/s"), std::string::npos) << next;
  EXPECT_NE(next.find("routes 12  declined 0/s"), std::string::npos) << next;
}

}  // namespace
}  // namespace avedge::perf

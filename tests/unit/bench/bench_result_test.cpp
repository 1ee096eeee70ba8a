#include <gtest/gtest.h>

#include <string>

#include "bench/load_generator.hpp"

namespace avedge::bench {
namespace {

BenchResult one_run() {
  BenchResult r;
  r.allocations = 10;
  r.ready = 10;
  r.sent = 1000;
  r.received = 990;
  r.traffic_seconds = 2;
  r.p50_ns = 25'000;
  return r;
}

// The JSON line names the transport toward the edge (compare.sh and the smoke test read it).
TEST(BenchResult, JsonNamesTheTransport) {
  BenchOptions o;
  for (const auto& [t, name] : {std::pair{Transport::Udp, "udp"}, std::pair{Transport::Tcp, "tcp"},
                                std::pair{Transport::Tls, "tls"}}) {
    o.transport = t;
    const std::string json = format_result_json(one_run(), o);
    EXPECT_NE(json.find(std::string("\"transport\":\"") + name + "\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"loss\":0.010000"), std::string::npos) << json;
    EXPECT_NE(json.find("\"p50_us\":25.0"), std::string::npos) << json;
  }
}

TEST(BenchResult, HumanLinesSayTheTransport) {
  BenchOptions o;
  o.transport = Transport::Tls;
  const std::string text = format_result_human(one_run(), o);
  EXPECT_NE(text.find("160 B ChannelData to peer over tls"), std::string::npos) << text;
  EXPECT_NE(text.find("(1.000% loss)"), std::string::npos) << text;
}

// --raw talks to the UDP forwarders only.
TEST(BenchResult, RawOverAStreamIsRefused) {
  BenchOptions o;
  o.raw = true;
  o.transport = Transport::Tcp;
  EXPECT_THROW((void)run_bench(o), std::runtime_error);
}

}  // namespace
}  // namespace avedge::bench

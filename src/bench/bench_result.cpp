// The result of `avedge bench`: one JSON line for scripts, a few lines for people.
#include <fmt/format.h>

#include "bench/load_generator.hpp"

namespace avedge::bench {

namespace {
double us(uint64_t ns) {
  return static_cast<double>(ns) / 1000.0;
}
}  // namespace

std::string format_result_json(const BenchResult& r, const BenchOptions& o) {
  const double pps =
      r.traffic_seconds > 0 ? static_cast<double>(r.received) / r.traffic_seconds : 0;
  std::string error;
  for (char c : r.first_error) {
    if (c == '"' || c == '\\') error += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) error += c;
  }
  return fmt::format(
      "{{\"mode\":\"{}\",\"allocations\":{},\"ready\":{},\"failed\":{},\"first_error\":\"{}\","
      "\"setup_seconds\":{:.6f},\"setup_rate\":{:.1f},\"transport\":\"{}\",\"data\":\"{}\","
      "\"directions\":{},\"payload\":{},\"rate\":{},\"duration\":{:.3f},\"sent\":{},"
      "\"received\":{},\"loss\":{:.6f},\"received_pps\":{:.1f},\"p50_us\":{:.1f},"
      "\"p99_us\":{:.1f},\"p999_us\":{:.1f},\"max_us\":{:.1f},\"generator_cpu\":{:.3f},"
      "\"deallocated\":{}}}\n",
      to_string(r.mode), r.allocations, r.ready, r.failed, error, r.setup_seconds, r.setup_rate(),
      to_string(o.transport),
      o.raw            ? "raw"
      : o.channel_data ? "channel"
                       : "send",
      o.both_directions ? 2 : 1, o.payload, o.rate, r.traffic_seconds, r.sent, r.received, r.loss(),
      pps, us(r.p50_ns), us(r.p99_ns), us(r.p999_ns), us(r.max_ns), r.generator_cpu, r.deallocated);
}

std::string format_result_human(const BenchResult& r, const BenchOptions& o) {
  std::string out = fmt::format("allocations: {} ready, {} failed in {:.3f} s ({:.0f}/s){}\n",
                                r.ready, r.failed, r.setup_seconds, r.setup_rate(),
                                r.first_error.empty() ? "" : "; first failure: " + r.first_error);
  if (r.mode == Mode::Throughput && r.traffic_seconds > 0) {
    out += fmt::format(
        "traffic: {} sent, {} received ({:.3f}% loss) in {:.2f} s, {:.0f} packets/s relayed, "
        "{} B {} {} over {}\n",
        r.sent, r.received, r.loss() * 100, r.traffic_seconds,
        static_cast<double>(r.received) / r.traffic_seconds, o.payload,
        o.raw            ? "raw UDP"
        : o.channel_data ? "ChannelData"
                         : "Send/Data",
        o.both_directions ? "both ways" : "to peer", to_string(o.transport));
    out += fmt::format("latency: p50 {:.1f} µs, p99 {:.1f} µs, p99.9 {:.1f} µs, max {:.1f} µs\n",
                       us(r.p50_ns), us(r.p99_ns), us(r.p999_ns), us(r.max_ns));
    out += fmt::format("generator CPU: {:.0f}% of one core\n", r.generator_cpu * 100);
  }
  out += fmt::format("deallocated: {}\n", r.deallocated);
  return out;
}

}  // namespace avedge::bench

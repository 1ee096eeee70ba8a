// A set of metric samples and its two renderings (issue 5 item 2, the metrics contract):
// Prometheus text exposition format 0.0.4 for /metrics and the same samples as JSON for
// /metrics.json. Labels are low-cardinality only; never a user name.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace avedge::admin {

enum class MetricType : uint8_t { Counter, Gauge };
const char* to_string(MetricType t);

using Labels = std::vector<std::pair<std::string, std::string>>;  // kept in the given order

struct Value {
  bool integral = true;
  uint64_t u = 0;
  double d = 0;
  static Value of(uint64_t v) { return Value{true, v, 0}; }
  static Value real(double v) { return Value{false, 0, v}; }
};

struct Sample {
  Labels labels;
  Value value;
};

struct Family {
  std::string name;  // counters end in _total
  MetricType type = MetricType::Counter;
  std::string help;
  std::vector<Sample> samples;
};

class MetricSet {
 public:
  // Starts a family; later add() calls put samples into it.
  MetricSet& family(std::string name, MetricType type, std::string help);
  MetricSet& add(Labels labels, Value v);
  MetricSet& add(uint64_t v) { return add({}, Value::of(v)); }
  [[nodiscard]] const std::vector<Family>& families() const { return families_; }
  // The sample of a series (tests, readiness); nullptr when absent.
  [[nodiscard]] const Sample* find(const std::string& name, const Labels& labels = {}) const;

 private:
  std::vector<Family> families_;
};

// text/plain; version=0.0.4: # HELP, # TYPE, then one line per sample.
std::string render_prometheus(const MetricSet& m);
// {"time": unix seconds, "metrics": [{"name","type","help","labels":{},"value"}...]}
std::string render_json(const MetricSet& m, double unix_time);

}  // namespace avedge::admin

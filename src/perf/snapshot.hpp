// One reading of the admin API's /metrics.json (the metrics contract, docs/COUNTERS.md):
// every sample with its series key `name{k=v,k=v}` (labels sorted by key; just `name` without
// labels), which names CSV columns and template patterns.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace avedge::perf {

using LabelMap = std::map<std::string, std::string>;  // sorted by key

struct Series {
  std::string key;
  std::string name;
  LabelMap labels;
  bool counter = false;  // counters only grow (name ends in _total); gauges go up and down
  double value = 0;
};

struct Snapshot {
  double time = 0;  // unix seconds, the server's clock
  std::vector<Series> series;
  [[nodiscard]] const Series* find(std::string_view key) const;
  // Sum of the values of every series called `name` whose labels include `where`.
  [[nodiscard]] double sum(std::string_view name, const LabelMap& where = {}) const;
};

std::string series_key(std::string_view name, const LabelMap& labels);

struct SnapshotResult {
  std::optional<Snapshot> snapshot;
  std::string error;  // what is wrong with the document
};
SnapshotResult parse_metrics_json(std::string_view text);

}  // namespace avedge::perf

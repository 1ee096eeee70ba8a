#include "perf/recorder.hpp"

namespace avedge::perf {

double counter_rate(double prev, double cur, double seconds) {
  if (seconds <= 0) return 0;
  return (cur >= prev ? cur - prev : cur) / seconds;
}

bool Recorder::add(const Snapshot& s, bool& columns_added) {
  columns_added = false;
  for (const auto& series : s.series) {
    if (!accept_(series) || table_.column(series.key)) continue;
    table_.columns.push_back({series.key, series.counter});
    columns_added = true;
  }
  if (!prev_) {
    prev_ = s;
    return false;
  }
  Row row{s.time, std::vector<std::optional<double>>(table_.columns.size())};
  const double dt = s.time - prev_->time;
  for (size_t i = 0; i < table_.columns.size(); ++i) {
    const Column& c = table_.columns[i];
    const Series* cur = s.find(c.key);
    if (cur == nullptr) continue;
    if (!c.rate) {
      row.values[i] = cur->value;
      continue;
    }
    // A series new since the last sample started from zero.
    const Series* before = prev_->find(c.key);
    row.values[i] = counter_rate(before != nullptr ? before->value : 0, cur->value, dt);
  }
  table_.rows.push_back(std::move(row));
  prev_ = s;
  return true;
}

void Recorder::add_gap(double time) {
  table_.rows.push_back({time, std::vector<std::optional<double>>(table_.columns.size())});
}

}  // namespace avedge::perf

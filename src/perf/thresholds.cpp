#include "perf/thresholds.hpp"

#include <algorithm>

namespace avedge::perf {

namespace {

void scan(const Table& t, const Rule& r, Level level,
          const std::vector<std::optional<double>>& values, std::vector<Crossing>& out) {
  const auto limit = r.threshold(level);
  if (!limit) return;
  auto beyond = [&](const std::optional<double>& v) {
    return v && (r.below ? *v < *limit : *v > *limit);
  };
  size_t i = 0;
  while (i < values.size()) {
    if (!beyond(values[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    double peak = *values[i];
    while (j + 1 < values.size() && beyond(values[j + 1])) {
      ++j;
      peak = r.below ? std::min(peak, *values[j]) : std::max(peak, *values[j]);
    }
    if (j - i + 1 >= r.samples) {
      out.push_back({&r, level, i, j, t.rows[i].time, t.rows[j].time, peak, *limit});
    }
    i = j + 1;
  }
}

}  // namespace

std::vector<std::optional<double>> rule_values(const Table& t, const Rule& r) {
  std::vector<size_t> cols;
  for (size_t c = 0; c < t.columns.size(); ++c) {
    if (r.series.matches_key(t.columns[c].key)) cols.push_back(c);
  }
  std::vector<std::optional<double>> values;
  for (const auto& row : t.rows) {
    std::optional<double> sum;
    for (const size_t c : cols) {
      if (c < row.values.size() && row.values[c]) sum = sum.value_or(0) + *row.values[c];
    }
    values.push_back(sum);
  }
  return values;
}

std::vector<Crossing> find_crossings(const Table& t, const PerfTemplate& tmpl) {
  std::vector<Crossing> out;
  for (const auto& r : tmpl.rules) {
    const auto values = rule_values(t, r);
    scan(t, r, Level::Error, values, out);
    scan(t, r, Level::Warning, values, out);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Crossing& a, const Crossing& b) { return a.start < b.start; });
  return out;
}

}  // namespace avedge::perf

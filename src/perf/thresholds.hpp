// Threshold detection for the perf report: a rule's value at each row is the sum of the columns
// its pattern matches; a crossing is a run of at least `samples` rows in a row beyond the
// warning (or error) threshold. A run beyond the error threshold is also a warning crossing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "perf/perf_template.hpp"
#include "perf/table.hpp"

namespace avedge::perf {

struct Crossing {
  const Rule* rule = nullptr;
  Level level = Level::Warning;
  size_t first_row = 0;
  size_t last_row = 0;  // inclusive
  double start = 0;     // time of first_row
  double end = 0;       // time of last_row
  double peak = 0;      // the highest (lowest for `below` rules) value of the run
  double threshold = 0;
};

// The rule's value per row: nullopt where no matching column has a value.
std::vector<std::optional<double>> rule_values(const Table& t, const Rule& r);
std::vector<Crossing> find_crossings(const Table& t, const PerfTemplate& tmpl);

}  // namespace avedge::perf

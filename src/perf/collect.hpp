// `avedge perf collect`: samples /metrics.json every interval for a duration and writes the
// template's series as CSV (table.hpp), one row per interval after the first sample. The file is
// appended row by row; when a new series appears (a label value seen for the first time), it is
// rewritten with the new column, earlier rows empty there.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "perf/admin_client.hpp"
#include "perf/perf_template.hpp"

namespace avedge::perf {

struct CollectOptions {
  AdminTarget admin;
  std::chrono::milliseconds interval{1000};
  std::chrono::milliseconds duration{std::chrono::minutes(10)};
  std::string output;  // CSV path
};

struct CollectResult {
  size_t rows = 0;
  size_t columns = 0;
  size_t failed_samples = 0;
  std::string error;  // set when nothing could be collected
};

// `progress` receives one line per sample (may be empty).
CollectResult collect(const CollectOptions& o, const PerfTemplate& tmpl,
                      const std::function<void(const std::string&)>& progress);

}  // namespace avedge::perf

// Turns successive snapshots into table rows: a counter becomes its per-second rate over the
// interval, a gauge its sampled value. A counter that went down was reset (a restart): its rate
// is counted from zero, as Prometheus' rate() does.
#pragma once

#include <functional>
#include <optional>

#include "perf/snapshot.hpp"
#include "perf/table.hpp"

namespace avedge::perf {

// (cur - prev) / seconds; cur / seconds after a reset (cur < prev); 0 when seconds <= 0.
double counter_rate(double prev, double cur, double seconds);

class Recorder {
 public:
  using Filter = std::function<bool(const Series&)>;
  explicit Recorder(Filter accept) : accept_(std::move(accept)) {}
  // The first snapshot only sets the baseline; every later one appends a row. Series seen for
  // the first time add columns (earlier rows have no value there): `columns_added` says so.
  bool add(const Snapshot& s, bool& columns_added);
  // A row without values (a failed sample), so that there is still one row per interval.
  void add_gap(double time);
  [[nodiscard]] const Table& table() const { return table_; }

 private:
  Filter accept_;
  std::optional<Snapshot> prev_;
  Table table_;
};

}  // namespace avedge::perf

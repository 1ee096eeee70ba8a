// A perf run as a table: a time column, then one column per series. Counters are stored as
// per-second rates over the interval and headed `rate(<series key>)`; gauges as sampled values,
// headed by the bare key. The CSV form (RFC 4180 quoting: keys hold commas) is what
// `perf collect` writes and `perf report` reads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace avedge::perf {

struct Column {
  std::string key;    // series key, name{k=v,...}
  bool rate = false;  // a counter's per-second rate
  [[nodiscard]] std::string header() const;
  static Column from_header(std::string_view h);
  friend bool operator==(const Column&, const Column&) = default;
};

struct Row {
  double time = 0;                            // unix seconds
  std::vector<std::optional<double>> values;  // one per column; empty: no value
};

struct Table {
  std::vector<Column> columns;
  std::vector<Row> rows;
  [[nodiscard]] std::optional<size_t> column(std::string_view key) const;
};

std::string csv_header(const Table& t);
std::string csv_row(const Row& r, size_t columns);
std::string to_csv(const Table& t);

struct TableResult {
  std::optional<Table> table;
  std::string error;  // "run.csv:7: 3 cells, the header has 5"
};
TableResult parse_csv(std::string_view text, const std::string& file_name);

}  // namespace avedge::perf

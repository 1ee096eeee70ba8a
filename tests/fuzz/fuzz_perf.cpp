// libFuzzer target: the perf inputs a user hands to avedge (a CSV for `perf report`, a
// /metrics.json document, a template file) and the report rendered from whatever parses.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "perf/perf_template.hpp"
#include "perf/report_html.hpp"
#include "perf/snapshot.hpp"
#include "perf/stat_view.hpp"
#include "perf/table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const avedge::perf::PerfTemplate edge = *avedge::perf::load_template("edge").tmpl;

  const auto csv = avedge::perf::parse_csv(text, "fuzz.csv");
  if (csv.table && csv.table->rows.size() < 200) {
    (void)avedge::perf::render_report(*csv.table, edge, "fuzz.csv");
  }
  const auto snap = avedge::perf::parse_metrics_json(text);
  if (snap.snapshot) (void)avedge::perf::render_stat(*snap.snapshot, snap.snapshot, "fuzz");
  const auto tmpl = avedge::perf::parse_template(text, "fuzz.toml");
  if (tmpl.tmpl && csv.table) (void)avedge::perf::render_report(*csv.table, *tmpl.tmpl, "f");
  return 0;
}

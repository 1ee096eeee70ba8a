// One inline SVG line chart of the perf report (report_html.hpp lists its classes): the chosen
// columns as polylines over time, each rule's warning/error ranges as bands, its summed value as
// a dashed line, and its crossings as shaded time ranges.
#pragma once

#include <string>
#include <vector>

#include "perf/perf_template.hpp"
#include "perf/table.hpp"
#include "perf/thresholds.hpp"

namespace avedge::perf {

std::string render_chart(const Table& t, const std::vector<size_t>& columns,
                         const std::vector<const Rule*>& rules,
                         const std::vector<Crossing>& crossings, const std::string& title);
// 1234567 → "1.23M", 0.5 → "0.5", 12 → "12".
std::string format_value(double v);

}  // namespace avedge::perf

// `avedge perf report`: one self-contained HTML file (inline CSS, inline SVG, no script, no
// network). Stable hooks for tests and styling:
//   section.group > svg.chart          one chart per template group (polyline.series per column)
//   rect.threshold-warning / -error    a rule's warning and error ranges, drawn as bands
//   rect.crossing-warning / -error     the time ranges where a rule crossed them
//   table#crossings                    one row per crossing: rule, level, from, to, peak, event,
//                                      cause and resolution from the event catalogue
#pragma once

#include <string>

#include "perf/perf_template.hpp"
#include "perf/table.hpp"

namespace avedge::perf {

std::string render_report(const Table& t, const PerfTemplate& tmpl, const std::string& source);
std::string html_escape(std::string_view s);

}  // namespace avedge::perf

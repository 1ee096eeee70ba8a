#include "perf/report_html.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

#include "perf/catalogue.hpp"
#include "perf/svg_chart.hpp"
#include "perf/thresholds.hpp"

namespace avedge::perf {

namespace {

constexpr std::string_view kStyle = R"css(
body { font-family: system-ui, sans-serif; margin: 24px; color: #1d2329; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 24px 0 8px; }
.meta { color: #57606a; margin: 0 0 16px; }
section.group { border-top: 1px solid #d0d7de; }
svg.chart { display: block; width: 100%; max-width: 960px; height: auto; background: #fbfcfd; border: 1px solid #d0d7de; }
svg.chart text { font-size: 11px; fill: #57606a; }
svg.chart .grid { stroke: #e4e8ec; stroke-width: 1; }
svg.chart .axis { stroke: #8c959f; stroke-width: 1; }
svg.chart polyline.series { fill: none; stroke-width: 2; }
svg.chart polyline.rule-sum { fill: none; stroke: #1d2329; stroke-width: 1.5; stroke-dasharray: 5 3; }
.threshold-warning { fill: #f5c542; fill-opacity: 0.25; }
.threshold-error { fill: #e5534b; fill-opacity: 0.22; }
.crossing-warning { fill: #d29922; fill-opacity: 0.18; }
.crossing-error { fill: #cf222e; fill-opacity: 0.18; }
ul.legend { list-style: none; padding: 0; margin: 6px 0; font-size: 13px; }
ul.legend li { display: inline-block; margin-right: 18px; overflow-wrap: anywhere; }
.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 5px; vertical-align: -1px; }
table#crossings { border-collapse: collapse; font-size: 13px; width: 100%; }
table#crossings th, table#crossings td { border: 1px solid #d0d7de; padding: 4px 6px; text-align: left; vertical-align: top; }
table#crossings th { background: #f6f8fa; }
tr.level-warning td.level { background: #fff3c4; } tr.level-error td.level { background: #ffd7d5; }
p.empty, p.zero { color: #57606a; font-style: italic; font-size: 13px; overflow-wrap: anywhere; }
td.time { white-space: nowrap; }
)css";

std::string clock_time(double unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string slug(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string crossings_table(const std::vector<Crossing>& crossings) {
  std::string h =
      "<table id=\"crossings\"><thead><tr><th>rule</th><th>level</th><th>from (UTC)</th>"
      "<th>to (UTC)</th><th>samples</th><th>peak</th><th>threshold</th><th>event</th>"
      "<th>cause</th><th>resolution</th></tr></thead><tbody>\n";
  for (const auto& c : crossings) {
    const auto entry = find_entry(c.rule->event);
    h += fmt::format(
        "<tr class=\"crossing level-{0}\"><td>{1}</td><td class=\"level\">{0}</td>"
        "<td class=\"time\">{2}</td><td class=\"time\">{3}</td><td>{4}</td><td>{5}</td><td>{6} "
        "{7}</td><td>{8}</td><td>{9}</td>"
        "<td>{10}</td></tr>\n",
        to_string(c.level), html_escape(c.rule->name), clock_time(c.start), clock_time(c.end),
        c.last_row - c.first_row + 1, format_value(c.peak), c.rule->below ? "below" : "above",
        format_value(c.threshold),
        entry ? html_escape(fmt::format("{} {}", entry->id, entry->name)) : "-",
        entry ? html_escape(entry->cause) : "-", entry ? html_escape(entry->resolution) : "-");
  }
  if (crossings.empty()) {
    h += "<tr class=\"none\"><td colspan=\"10\">no threshold was crossed</td></tr>\n";
  }
  return h + "</tbody></table>\n";
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_report(const Table& t, const PerfTemplate& tmpl, const std::string& source) {
  const auto crossings = find_crossings(t, tmpl);
  std::string h = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>avedge perf report: {0}</title><style>{1}</style></head>\n<body>\n"
      "<header><h1>avedge perf report</h1><p class=\"meta\">{0} &middot; template {2}",
      html_escape(source), kStyle, html_escape(tmpl.name));
  if (!t.rows.empty()) {
    h += fmt::format(" &middot; {} to {} UTC &middot; {} samples", clock_time(t.rows.front().time),
                     clock_time(t.rows.back().time), t.rows.size());
  }
  h += "</p><p class=\"meta\">Counters are per-second rates; gauges are sampled values.</p>"
       "</header>\n";
  h += fmt::format("<section id=\"summary\"><h2>Threshold crossings ({})</h2>\n{}</section>\n",
                   crossings.size(), crossings_table(crossings));

  std::vector<bool> rule_drawn(tmpl.rules.size(), false);
  auto chart_section = [&](const std::string& title, const std::vector<size_t>& cols,
                           const std::vector<const Rule*>& rules) {
    h += fmt::format("<section class=\"group\" id=\"group-{}\"><h2>{}</h2>\n", slug(title),
                     html_escape(title));
    if (cols.empty()) {
      h += "<p class=\"empty\">no series of this group in the CSV</p></section>\n";
      return;
    }
    // Series that stayed at zero are listed, not drawn: a chart of 30 flat lines says less.
    std::vector<size_t> drawn;
    std::string zero;
    for (const size_t c : cols) {
      const bool all_zero = std::all_of(t.rows.begin(), t.rows.end(), [c](const Row& r) {
        return c >= r.values.size() || !r.values[c] || *r.values[c] == 0;
      });
      if (!all_zero || cols.size() == 1) {
        drawn.push_back(c);
      } else {
        zero += (zero.empty() ? "" : ", ") + html_escape(t.columns[c].header());
      }
    }
    if (drawn.empty()) drawn.push_back(cols.front());
    h += render_chart(t, drawn, rules, crossings, title);
    if (!zero.empty()) h += "<p class=\"zero\">zero throughout: " + zero + "</p>\n";
    h += "</section>\n";
  };
  for (const auto& g : tmpl.groups) {
    std::vector<size_t> cols;
    for (size_t c = 0; c < t.columns.size(); ++c) {
      if (g.matches_key(t.columns[c].key)) cols.push_back(c);
    }
    std::vector<const Rule*> rules;
    for (size_t r = 0; r < tmpl.rules.size(); ++r) {
      // A rule is drawn on the first group charting its metric.
      const bool in_group = std::any_of(g.series.begin(), g.series.end(), [&](const auto& p) {
        return glob_match(p.name, tmpl.rules[r].series.name);
      });
      if (in_group && !rule_drawn[r]) {
        rules.push_back(&tmpl.rules[r]);
        rule_drawn[r] = true;
      }
    }
    chart_section(g.title, cols, rules);
  }
  // A rule over series no group charts gets a chart of its own.
  for (size_t r = 0; r < tmpl.rules.size(); ++r) {
    if (rule_drawn[r]) continue;
    std::vector<size_t> cols;
    for (size_t c = 0; c < t.columns.size(); ++c) {
      if (tmpl.rules[r].series.matches_key(t.columns[c].key)) cols.push_back(c);
    }
    chart_section("Rule: " + tmpl.rules[r].name, cols, {&tmpl.rules[r]});
  }
  return h + "</body></html>\n";
}

}  // namespace avedge::perf

#include "perf/svg_chart.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

#include "perf/report_html.hpp"

namespace avedge::perf {

namespace {

constexpr double kWidth = 960;
constexpr double kHeight = 280;
constexpr double kLeft = 64;
constexpr double kRight = 16;
constexpr double kTop = 12;
constexpr double kBottom = 28;
constexpr std::array<std::string_view, 10> kPalette{"#0969da", "#1a7f37", "#8250df", "#bf3989",
                                                    "#bc4c00", "#116329", "#0550ae", "#953800",
                                                    "#6e7781", "#a40e26"};

std::string trim_number(double v, int decimals) {
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

// 1, 2 or 5 times a power of ten, near range/5.
double nice_step(double range) {
  const double raw = range / 5;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

std::string hms(double unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

struct Scale {
  double t0, t1, y0, y1;
  [[nodiscard]] double x(double t) const {
    return kLeft + (t - t0) / (t1 - t0) * (kWidth - kLeft - kRight);
  }
  [[nodiscard]] double y(double v) const {
    const double c = std::clamp(v, y0, y1);
    return kTop + (y1 - c) / (y1 - y0) * (kHeight - kTop - kBottom);
  }
};

// Polylines through the present values; a missing value breaks the line.
std::string polylines(const Table& t, const std::vector<std::optional<double>>& values,
                      const Scale& s, const std::string& attrs) {
  std::string out;
  std::string points;
  auto flush = [&] {
    if (!points.empty()) out += fmt::format("<polyline {} points=\"{}\"/>\n", attrs, points);
    points.clear();
  };
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i]) {
      flush();
      continue;
    }
    points += fmt::format("{:.1f},{:.1f} ", s.x(t.rows[i].time), s.y(*values[i]));
  }
  flush();
  return out;
}

std::vector<std::optional<double>> column_values(const Table& t, size_t c) {
  std::vector<std::optional<double>> v;
  for (const auto& r : t.rows) v.push_back(c < r.values.size() ? r.values[c] : std::nullopt);
  return v;
}

std::string band(const Scale& s, const char* cls, const Rule& r, double lo, double hi) {
  lo = std::max(lo, s.y0);
  hi = std::min(hi, s.y1);
  if (hi <= lo) return {};
  return fmt::format(
      "<rect class=\"{}\" data-rule=\"{}\" x=\"{}\" y=\"{:.1f}\" width=\"{}\" height=\"{:.1f}\">"
      "<title>{}: {} {} {}</title></rect>\n",
      cls, html_escape(r.name), kLeft, s.y(hi), kWidth - kLeft - kRight, s.y(lo) - s.y(hi),
      html_escape(r.name), std::string_view(cls).substr(10), r.below ? "below" : "above",
      format_value(std::string_view(cls) == "threshold-error" ? *r.error : *r.warning));
}

std::string bands(const Scale& s, const Rule& r) {
  std::string out;
  if (r.below) {
    if (r.warning) out += band(s, "threshold-warning", r, r.error.value_or(s.y0), *r.warning);
    if (r.error) out += band(s, "threshold-error", r, s.y0, *r.error);
  } else {
    if (r.warning) out += band(s, "threshold-warning", r, *r.warning, r.error.value_or(s.y1));
    if (r.error) out += band(s, "threshold-error", r, *r.error, s.y1);
  }
  return out;
}

}  // namespace

std::string format_value(double v) {
  const double a = std::fabs(v);
  if (a >= 1e9) return trim_number(v / 1e9, 2) + "G";
  if (a >= 1e6) return trim_number(v / 1e6, 2) + "M";
  if (a >= 1e4) return trim_number(v / 1e3, 1) + "k";
  return trim_number(v, a >= 100 ? 0 : 2);
}

std::string render_chart(const Table& t, const std::vector<size_t>& columns,
                         const std::vector<const Rule*>& rules,
                         const std::vector<Crossing>& crossings, const std::string& title) {
  // Every value and threshold shown decides the vertical range.
  std::vector<std::vector<std::optional<double>>> lines;
  for (const size_t c : columns) lines.push_back(column_values(t, c));
  std::vector<std::vector<std::optional<double>>> sums;
  for (const Rule* r : rules) sums.push_back(rule_values(t, *r));
  double lo = 0;
  double hi = 0;
  for (const auto* set : {&lines, &sums}) {
    for (const auto& l : *set) {
      for (const auto& v : l) {
        if (v) lo = std::min(lo, *v), hi = std::max(hi, *v);
      }
    }
  }
  for (const Rule* r : rules) {
    for (const auto& th : {r->warning, r->error}) {
      if (th) hi = std::max(hi, *th * 1.25);
    }
  }
  if (!std::isfinite(hi - lo)) lo = -1e300, hi = 1e300;  // sums that overflowed
  if (hi <= lo) hi = lo + 1;
  const double step = nice_step(hi - lo);
  hi = std::ceil(hi / step) * step;
  lo = std::floor(lo / step) * step;
  Scale s{0, 1, lo, hi};
  if (!t.rows.empty()) {
    s.t0 = t.rows.front().time;
    s.t1 = std::max(t.rows.back().time, s.t0 + 1);
  }

  std::string out = fmt::format(
      "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" role=\"img\" aria-label=\"{2}\">\n",
      kWidth, kHeight, html_escape(title));
  for (const Rule* r : rules) out += bands(s, *r);
  // Crossings of these rules: shaded time ranges, half an interval wide on each side.
  const double half =
      t.rows.size() > 1 ? (s.x(t.rows.back().time) - kLeft) / double(t.rows.size() - 1) / 2 : 4;
  for (const auto& c : crossings) {
    if (std::find(rules.begin(), rules.end(), c.rule) == rules.end()) continue;
    const double x0 = std::max(kLeft, s.x(c.start) - half);
    const double x1 = std::min(kWidth - kRight, s.x(c.end) + half);
    out += fmt::format(
        "<rect class=\"crossing-{}\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\">"
        "<title>{}: peak {}</title></rect>\n",
        to_string(c.level), x0, kTop, x1 - x0, kHeight - kTop - kBottom, html_escape(c.rule->name),
        format_value(c.peak));
  }
  const int lines_y = std::clamp(static_cast<int>(std::lround((hi - lo) / step)), 1, 20);
  for (int k = 0; k <= lines_y; ++k) {
    const double v = lo + k * step;
    out += fmt::format(
        "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
        "<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
        kLeft, kWidth - kRight, s.y(v), s.y(v), kLeft - 6, s.y(v) + 4, format_value(v));
  }
  const size_t ticks = std::min<size_t>(t.rows.size(), 8);
  for (size_t i = 0; i < ticks; ++i) {
    const size_t row = ticks == 1 ? 0 : i * (t.rows.size() - 1) / (ticks - 1);
    const double x = s.x(t.rows[row].time);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x,
                       kHeight - 8, hms(t.rows[row].time));
  }
  out += fmt::format(
      "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>"
      "<line class=\"axis\" x1=\"{0}\" x2=\"{3}\" y1=\"{2}\" y2=\"{2}\"/>\n",
      kLeft, kTop, kHeight - kBottom, kWidth - kRight);
  std::string legend = "<ul class=\"legend\">";
  for (size_t i = 0; i < columns.size(); ++i) {
    const auto colour = kPalette[i % kPalette.size()];
    const std::string name = t.columns[columns[i]].header();
    out += polylines(t, lines[i], s,
                     fmt::format("class=\"series\" stroke=\"{}\" data-series=\"{}\"", colour,
                                 html_escape(name)));
    double peak = 0;
    for (const auto& v : lines[i]) peak = v ? std::max(peak, *v) : peak;
    legend +=
        fmt::format("<li><span class=\"swatch\" style=\"background:{}\"></span>{} (max {})</li>",
                    colour, html_escape(name), format_value(peak));
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    out +=
        polylines(t, sums[i], s,
                  fmt::format("class=\"rule-sum\" data-rule=\"{}\"", html_escape(rules[i]->name)));
    legend += fmt::format("<li>- - - {} (sum)</li>", html_escape(rules[i]->name));
  }
  return out + "</svg>\n" + legend + "</ul>\n";
}

}  // namespace avedge::perf

#include "perf/series_pattern.hpp"

namespace avedge::perf {

bool glob_match(std::string_view p, std::string_view t) {
  // Iterative matching with one backtrack point for the last '*'.
  size_t pi = 0;
  size_t ti = 0;
  size_t star = std::string_view::npos;
  size_t mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::pair<std::string, LabelMap> split_key(std::string_view key) {
  const size_t brace = key.find('{');
  if (brace == std::string_view::npos || !key.ends_with('}')) return {std::string(key), {}};
  LabelMap labels;
  std::string_view body = key.substr(brace + 1, key.size() - brace - 2);
  while (!body.empty()) {
    const size_t comma = body.find(',');
    const std::string_view kv = body.substr(0, comma);
    const size_t eq = kv.find('=');
    if (eq != std::string_view::npos) labels[std::string(kv.substr(0, eq))] = kv.substr(eq + 1);
    body = comma == std::string_view::npos ? std::string_view() : body.substr(comma + 1);
  }
  return {std::string(key.substr(0, brace)), std::move(labels)};
}

std::optional<SeriesPattern> SeriesPattern::parse(std::string_view text, std::string& error) {
  SeriesPattern p;
  p.text = std::string(text);
  const size_t brace = text.find('{');
  p.name = std::string(text.substr(0, brace));
  if (p.name.empty()) {
    error = "a series pattern needs a metric name, e.g. avedge_auth_failures_total{reason=*}";
    return std::nullopt;
  }
  if (brace == std::string_view::npos) return p;
  if (!text.ends_with('}')) {
    error = "'" + std::string(text) + "': the label list must end with }";
    return std::nullopt;
  }
  for (const auto& [k, v] : split_key(text).second) p.labels.emplace_back(k, v);
  if (p.labels.empty()) {
    error = "'" + std::string(text) + "': write labels as {key=value,...}";
    return std::nullopt;
  }
  return p;
}

bool SeriesPattern::matches(std::string_view series_name, const LabelMap& series_labels) const {
  if (!glob_match(name, series_name)) return false;
  for (const auto& [k, v] : labels) {
    auto it = series_labels.find(k);
    if (it == series_labels.end() || !glob_match(v, it->second)) return false;
  }
  return true;
}

bool SeriesPattern::matches_key(std::string_view key) const {
  const auto [n, l] = split_key(key);
  return matches(n, l);
}

}  // namespace avedge::perf

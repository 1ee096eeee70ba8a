// Perf templates (config/perf-templates/*.toml): which series to collect, grouped into charts,
// and threshold rules. Every error names file:line.
//
//   description = "..."
//   [[group]]
//   title = "Authentication"
//   series = ["avedge_auth_failures_total{reason=*}", "avedge_auth_challenges_total"]
//   [[rule]]
//   name = "authentication failures"
//   series = "avedge_auth_failures_total"   # the rule watches the sum of the matching columns
//   warning = 10                            # above: warning (per second for counters)
//   error = 20                              # above: error
//   samples = 2                             # that many samples in a row
//   below = false                           # true: the value crossing downwards counts
//   event = "auth.bad_integrity"            # catalogue entry with the cause and resolution
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perf/series_pattern.hpp"

namespace avedge::perf {

struct ChartGroup {
  std::string title;
  std::vector<SeriesPattern> series;
  [[nodiscard]] bool matches_key(std::string_view key) const;
};

enum class Level { Warning, Error };
const char* to_string(Level l);

struct Rule {
  std::string name;
  SeriesPattern series;
  std::optional<double> warning;
  std::optional<double> error;
  unsigned samples = 1;
  bool below = false;
  std::string event;  // a catalogue reason code or id
  [[nodiscard]] std::optional<double> threshold(Level l) const {
    return l == Level::Warning ? warning : error;
  }
};

struct PerfTemplate {
  std::string name;  // "edge", or the file name
  std::string description;
  std::vector<ChartGroup> groups;
  std::vector<Rule> rules;
  // Whether a series belongs in the CSV: some group or rule pattern matches it.
  [[nodiscard]] bool wants(const Series& s) const;
};

struct TemplateResult {
  std::optional<PerfTemplate> tmpl;
  std::vector<std::string> errors;  // "edge.toml:12: rule 'x': error 5 is below warning 10"
};

TemplateResult parse_template(std::string_view text, const std::string& file_name);
// NAME (edge, mras, all) or a FILE path. A name is looked for in config/perf-templates/ next to
// the binary (../config/perf-templates, ../share/avedge/perf-templates), in /etc/avedge/, then
// in the templates built into the binary.
TemplateResult load_template(std::string_view name_or_file);
// The built-in templates: (name, TOML text).
struct EmbeddedTemplate {
  std::string_view name;
  std::string_view text;
};
std::vector<EmbeddedTemplate> embedded_templates();

}  // namespace avedge::perf

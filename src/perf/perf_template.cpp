#include "perf/perf_template.hpp"

#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "config/suggest.hpp"
#include "perf/catalogue.hpp"

namespace avedge::perf {

namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 4> kTopKeys{"description", "include", "group", "rule"};
constexpr std::array<std::string_view, 2> kGroupKeys{"title", "series"};
constexpr std::array<std::string_view, 7> kRuleKeys{"name",    "series", "warning", "error",
                                                    "samples", "below",  "event"};

class Parser {
 public:
  Parser(std::string file, std::vector<std::string>& errors)
      : file_(std::move(file)), errors_(errors) {}

  void error(const toml::node& n, const std::string& what) {
    errors_.push_back(fmt::format("{}:{}: {}", file_, n.source().begin.line, what));
  }

  void check_keys(const toml::table& t, std::span<const std::string_view> known,
                  std::string_view where) {
    for (const auto& [k, v] : t) {
      const std::string_view key = k.str();
      bool ok = false;
      for (const auto kk : known) ok = ok || kk == key;
      if (ok) continue;
      const auto near = config::nearest(key, known);
      error(v, fmt::format("unknown key '{}' in {}{}", key, where,
                           near ? fmt::format(" (did you mean {}?)", *near) : ""));
    }
  }

  std::optional<SeriesPattern> pattern(const toml::node& n) {
    const auto s = n.value<std::string>();
    if (!s) {
      error(n, "a series pattern is a string, e.g. \"avedge_allocations_active\"");
      return std::nullopt;
    }
    std::string problem;
    auto p = SeriesPattern::parse(*s, problem);
    if (!p) error(n, problem);
    return p;
  }

  std::optional<ChartGroup> group(const toml::table& t) {
    check_keys(t, kGroupKeys, "[[group]]");
    ChartGroup g;
    const auto* title = t.get("title");
    if (title == nullptr || !title->is_string()) {
      error(t, "[[group]] needs title = \"...\"");
      return std::nullopt;
    }
    g.title = *title->value<std::string>();
    const auto* series = t.get_as<toml::array>("series");
    if (series == nullptr || series->empty()) {
      error(t, fmt::format("group '{}' needs series = [\"pattern\", ...]", g.title));
      return std::nullopt;
    }
    for (const auto& n : *series) {
      if (auto p = pattern(n)) g.series.push_back(std::move(*p));
    }
    return g;
  }

  std::optional<double> number(const toml::table& t, std::string_view key) {
    const auto* n = t.get(key);
    if (n == nullptr) return std::nullopt;
    if (const auto v = n->value<double>()) return v;
    error(*n, fmt::format("{} must be a number", key));
    return std::nullopt;
  }

  std::optional<Rule> rule(const toml::table& t) {
    check_keys(t, kRuleKeys, "[[rule]]");
    Rule r;
    r.name = t["name"].value_or(std::string());
    if (r.name.empty()) {
      error(t, "[[rule]] needs name = \"...\"");
      return std::nullopt;
    }
    const auto* series = t.get("series");
    if (series == nullptr) {
      error(t, fmt::format("rule '{}' needs series = \"pattern\"", r.name));
      return std::nullopt;
    }
    auto p = pattern(*series);
    if (!p) return std::nullopt;
    r.series = std::move(*p);
    r.warning = number(t, "warning");
    r.error = number(t, "error");
    r.below = t["below"].value_or(false);
    if (!r.warning && !r.error) {
      error(t, fmt::format("rule '{}' needs warning = N and/or error = N", r.name));
      return std::nullopt;
    }
    if (r.warning && r.error && (r.below ? *r.error > *r.warning : *r.error < *r.warning)) {
      error(t, fmt::format("rule '{}': error {} is {} warning {}", r.name, *r.error,
                           r.below ? "above" : "below", *r.warning));
      return std::nullopt;
    }
    if (const auto* s = t.get("samples")) {
      const auto v = s->value<int64_t>();
      if (!v || *v < 1 || *v > 1000) {
        error(*s, "samples must be a whole number from 1 to 1000");
        return std::nullopt;
      }
      r.samples = static_cast<unsigned>(*v);
    }
    r.event = t["event"].value_or(std::string());
    if (!r.event.empty() && !find_entry(r.event)) {
      const std::string near = nearest_name(r.event);
      error(*t.get("event"),
            fmt::format("rule '{}': no event '{}' in the catalogue{}", r.name, r.event,
                        near.empty() ? "" : " (did you mean " + near + "?)"));
      return std::nullopt;
    }
    return r;
  }

  template <typename F>
  void each_table(const toml::table& root, std::string_view key, F&& f) {
    const auto* n = root.get(key);
    if (n == nullptr) return;
    const auto* arr = n->as_array();
    if (arr == nullptr) {
      error(*n, fmt::format("write [[{}]] tables", key));
      return;
    }
    for (const auto& e : *arr) {
      if (const auto* t = e.as_table()) {
        f(*t);
      } else {
        error(e, fmt::format("write [[{}]] tables", key));
      }
    }
  }

 private:
  std::string file_;
  std::vector<std::string>& errors_;
};

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<fs::path> search_dirs() {
  std::vector<fs::path> dirs;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path bin = exe.parent_path();
    dirs.push_back(bin / "config/perf-templates");
    dirs.push_back(bin.parent_path() / "config/perf-templates");
    dirs.push_back(bin.parent_path() / "share/avedge/perf-templates");
  }
  dirs.emplace_back("/etc/avedge/perf-templates");
  return dirs;
}

}  // namespace

const char* to_string(Level l) {
  return l == Level::Warning ? "warning" : "error";
}

bool ChartGroup::matches_key(std::string_view key) const {
  for (const auto& p : series) {
    if (p.matches_key(key)) return true;
  }
  return false;
}

bool PerfTemplate::wants(const Series& s) const {
  for (const auto& g : groups) {
    for (const auto& p : g.series) {
      if (p.matches(s.name, s.labels)) return true;
    }
  }
  for (const auto& r : rules) {
    if (r.series.matches(s.name, s.labels)) return true;
  }
  return false;
}

TemplateResult parse_template(std::string_view text, const std::string& file_name) {
  TemplateResult out;
  toml::table root;
  try {
    root = toml::parse(text, file_name);
  } catch (const toml::parse_error& e) {
    out.errors.push_back(
        fmt::format("{}:{}: {}", file_name, e.source().begin.line, e.description()));
    return out;
  }
  Parser p(file_name, out.errors);
  p.check_keys(root, kTopKeys, "the template");
  PerfTemplate t;
  t.name = fs::path(file_name).stem().string();
  t.description = root["description"].value_or(std::string());
  // include = ["edge", "mras"]: those templates' groups and rules first (all.toml).
  thread_local int depth = 0;
  if (const auto* inc = root.get("include")) {
    const auto* names = inc->as_array();
    for (size_t i = 0; names != nullptr && i < names->size(); ++i) {
      const auto name = names->get(i)->value<std::string>();
      if (!name || depth > 3) {
        p.error(*names->get(i), "include names a template, e.g. include = [\"edge\"]; no cycles");
        continue;
      }
      ++depth;
      auto sub = load_template(*name);
      --depth;
      for (const auto& e : sub.errors) p.error(*names->get(i), "in include " + *name + ": " + e);
      if (!sub.tmpl) continue;
      for (auto& g : sub.tmpl->groups) t.groups.push_back(std::move(g));
      for (auto& r : sub.tmpl->rules) t.rules.push_back(std::move(r));
    }
    if (names == nullptr) p.error(*inc, "write include = [\"edge\", \"mras\"]");
  }
  p.each_table(root, "group", [&](const toml::table& g) {
    if (auto v = p.group(g)) t.groups.push_back(std::move(*v));
  });
  p.each_table(root, "rule", [&](const toml::table& r) {
    if (auto v = p.rule(r)) t.rules.push_back(std::move(*v));
  });
  if (t.groups.empty() && out.errors.empty()) {
    out.errors.push_back(
        fmt::format("{}:1: no [[group]]: a template charts at least one group", file_name));
  }
  if (out.errors.empty()) out.tmpl = std::move(t);
  return out;
}

TemplateResult load_template(std::string_view name_or_file) {
  const std::string arg(name_or_file);
  const bool is_path = arg.find('/') != std::string::npos || arg.ends_with(".toml");
  if (is_path) {
    std::error_code ec;
    if (!fs::is_regular_file(arg, ec)) {
      return {std::nullopt, {fmt::format("template file {} not found", arg)}};
    }
    return parse_template(read_file(arg), arg);
  }
  for (const auto& dir : search_dirs()) {
    const fs::path p = dir / (arg + ".toml");
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return parse_template(read_file(p), p.string());
  }
  std::string names;
  for (const auto& e : embedded_templates()) {
    if (e.name == arg) return parse_template(e.text, arg + ".toml (built in)");
    names += names.empty() ? "" : ", ";
    names += e.name;
  }
  return {std::nullopt,
          {fmt::format("no template '{}': use one of {} or a .toml file", arg, names)}};
}

}  // namespace avedge::perf

#include "admin/metrics.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace avedge::admin {

namespace {

// Prometheus exposition format: label values escape \, " and newline; HELP escapes \ and
// newline.
std::string escape(const std::string& s, bool quote) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(const Value& v) {
  return v.integral ? fmt::format("{}", v.u) : fmt::format("{}", v.d);
}

}  // namespace

const char* to_string(MetricType t) {
  return t == MetricType::Counter ? "counter" : "gauge";
}

MetricSet& MetricSet::family(std::string name, MetricType type, std::string help) {
  families_.push_back(Family{std::move(name), type, std::move(help), {}});
  return *this;
}

MetricSet& MetricSet::add(Labels labels, Value v) {
  if (!families_.empty()) families_.back().samples.push_back(Sample{std::move(labels), v});
  return *this;
}

const Sample* MetricSet::find(const std::string& name, const Labels& labels) const {
  for (const auto& f : families_) {
    if (f.name != name) continue;
    for (const auto& s : f.samples) {
      if (s.labels == labels) return &s;
    }
  }
  return nullptr;
}

std::string render_prometheus(const MetricSet& m) {
  std::string out;
  for (const auto& f : m.families()) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f.name, escape(f.help, false), f.name,
                       to_string(f.type));
    for (const auto& s : f.samples) {
      out += f.name;
      if (!s.labels.empty()) {
        out += '{';
        for (size_t i = 0; i < s.labels.size(); ++i) {
          out += fmt::format("{}{}=\"{}\"", i == 0 ? "" : ",", s.labels[i].first,
                             escape(s.labels[i].second, true));
        }
        out += '}';
      }
      out += ' ';
      out += number(s.value);
      out += '\n';
    }
  }
  return out;
}

std::string render_json(const MetricSet& m, double unix_time) {
  nlohmann::json metrics = nlohmann::json::array();
  for (const auto& f : m.families()) {
    for (const auto& s : f.samples) {
      nlohmann::json labels = nlohmann::json::object();
      for (const auto& [k, v] : s.labels) labels[k] = v;
      nlohmann::json j{{"name", f.name},
                       {"type", to_string(f.type)},
                       {"help", f.help},
                       {"labels", std::move(labels)}};
      if (s.value.integral) {
        j["value"] = s.value.u;
      } else {
        j["value"] = s.value.d;
      }
      metrics.push_back(std::move(j));
    }
  }
  const nlohmann::json doc{{"time", unix_time}, {"metrics", std::move(metrics)}};
  return doc.dump();
}

}  // namespace avedge::admin

#include "perf/snapshot.hpp"

#include <nlohmann/json.hpp>

namespace avedge::perf {

const Series* Snapshot::find(std::string_view key) const {
  for (const auto& s : series) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

double Snapshot::sum(std::string_view name, const LabelMap& where) const {
  double total = 0;
  for (const auto& s : series) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : where) {
      auto it = s.labels.find(k);
      match = match && it != s.labels.end() && it->second == v;
    }
    if (match) total += s.value;
  }
  return total;
}

std::string series_key(std::string_view name, const LabelMap& labels) {
  std::string key(name);
  if (labels.empty()) return key;
  key += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) key += ',';
    first = false;
    key += k;
    key += '=';
    key += v;
  }
  key += '}';
  return key;
}

SnapshotResult parse_metrics_json(std::string_view text) {
  using nlohmann::json;
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return {std::nullopt, "not a JSON document"};
  if (!doc.is_object() || !doc.contains("time") || !doc["time"].is_number()) {
    return {std::nullopt, "no numeric \"time\" field"};
  }
  if (!doc.contains("metrics") || !doc["metrics"].is_array()) {
    return {std::nullopt, "no \"metrics\" array"};
  }
  Snapshot snap;
  snap.time = doc["time"].get<double>();
  if (!(snap.time >= 0 && snap.time < 1e11)) return {std::nullopt, "\"time\" is not unix seconds"};
  size_t index = 0;
  for (const auto& m : doc["metrics"]) {
    const std::string where = "metrics[" + std::to_string(index++) + "]";
    if (!m.is_object() || !m.contains("name") || !m["name"].is_string()) {
      return {std::nullopt, where + ": no \"name\""};
    }
    if (!m.contains("value") || !m["value"].is_number()) {
      return {std::nullopt, where + ": no numeric \"value\""};
    }
    Series s;
    s.name = m["name"].get<std::string>();
    s.value = m["value"].get<double>();
    const std::string type =
        m.contains("type") && m["type"].is_string() ? m["type"].get<std::string>() : "";
    s.counter = type == "counter" || (type.empty() && s.name.ends_with("_total"));
    if (m.contains("labels")) {
      if (!m["labels"].is_object()) return {std::nullopt, where + ": \"labels\" is not an object"};
      for (const auto& [k, v] : m["labels"].items()) {
        s.labels[k] = v.is_string() ? v.get<std::string>() : v.dump();
      }
    }
    s.key = series_key(s.name, s.labels);
    snap.series.push_back(std::move(s));
  }
  return {std::move(snap), {}};
}

}  // namespace avedge::perf

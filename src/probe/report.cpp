#include "probe/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace avedge::probe {

std::string format_step(const Step& s, bool colour) {
  const char* on = colour ? (s.pass ? "\033[32m" : "\033[31m") : "";
  const char* off = colour ? "\033[0m" : "";
  return fmt::format("{}{}{}  {:<20} {:>5} ms  {}\n", on, s.pass ? "PASS" : "FAIL", off, s.name,
                     s.ms, s.detail);
}

std::string format_human(const std::vector<Step>& steps, bool colour) {
  std::string out;
  size_t failed = 0;
  for (const auto& s : steps) {
    out += format_step(s, colour);
    failed += s.pass ? 0 : 1;
  }
  out += fmt::format("probe: {} steps, {} passed, {} failed\n", steps.size(), steps.size() - failed,
                     failed);
  return out;
}

std::string format_json(const std::vector<Step>& steps) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& s : steps) {
    a.push_back({{"step", s.name}, {"pass", s.pass}, {"ms", s.ms}, {"detail", s.detail}});
  }
  return a.dump(2) + "\n";
}

int exit_status(const std::vector<Step>& steps) {
  if (steps.empty()) return 1;
  return std::all_of(steps.begin(), steps.end(), [](const Step& s) { return s.pass; }) ? 0 : 1;
}

}  // namespace avedge::probe

// Output of `avedge check`: human blocks (colour on a terminal) and JSON.
#include <fmt/format.h>

#include <cctype>
#include <string>

#include "diag/check.hpp"

namespace avedge::diag {

namespace {

const char* colour_of(Severity s) {
  switch (s) {
    case Severity::Error:
      return "\x1b[1;31m";
    case Severity::Warning:
      return "\x1b[1;33m";
    case Severity::Info:
      return "\x1b[1;36m";
  }
  return "";
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += ch;
    }
  }
  out += '"';
}

}  // namespace

std::string format_human(const std::vector<Finding>& findings, std::string_view config_name,
                         bool colour) {
  std::string out;
  size_t counts[3] = {0, 0, 0};
  for (const auto& f : findings) {
    ++counts[static_cast<size_t>(f.severity)];
    const std::string sev = upper(to_string(f.severity));
    out += fmt::format("{}  {}{}{}  {}  {}\n", f.where.to_string(),
                       colour ? colour_of(f.severity) : "", sev, colour ? "\x1b[0m" : "", f.rule,
                       f.message);
    out += fmt::format("  users: {}\n", f.impact);
    out += fmt::format("  fix: {}\n", f.fix);
  }
  const size_t errors = counts[static_cast<size_t>(Severity::Error)];
  const size_t warnings = counts[static_cast<size_t>(Severity::Warning)];
  const size_t infos = counts[static_cast<size_t>(Severity::Info)];
  if (errors + warnings == 0) {
    out += fmt::format("{}: no problems found{}\n", config_name,
                       infos > 0 ? fmt::format(" ({} info)", infos) : std::string());
  } else {
    out += fmt::format("{}: {} error{}, {} warning{}, {} info\n", config_name, errors,
                       errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", infos);
  }
  return out;
}

std::string format_json(const std::vector<Finding>& findings) {
  std::string out = "[";
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    out += i == 0 ? "\n  {" : ",\n  {";
    out += "\"rule\": ";
    append_json_string(out, f.rule);
    out += ", \"severity\": ";
    append_json_string(out, to_string(f.severity));
    out += ", \"file\": ";
    append_json_string(out, f.where.file);
    out += fmt::format(", \"line\": {}, \"message\": ", f.where.line);
    append_json_string(out, f.message);
    out += ", \"impact\": ";
    append_json_string(out, f.impact);
    out += ", \"fix\": ";
    append_json_string(out, f.fix);
    out += "}";
  }
  out += findings.empty() ? "]\n" : "\n]\n";
  return out;
}

}  // namespace avedge::diag

#include "mras/events.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace avedge::mras {

void append_json_escaped(std::string& out, std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\u{:04x}", u);
    } else {
      out += c;
    }
  }
}

std::string format_event(std::string_view name, const EventFields& fields) {
  std::string out = "{\"event\":\"";
  append_json_escaped(out, name);
  out += '"';
  for (const auto& [k, v] : fields) {
    out += ",\"";
    append_json_escaped(out, k);
    out += "\":\"";
    append_json_escaped(out, v);
    out += '"';
  }
  out += '}';
  return out;
}

void log_grant(const EventFields& fields) {
  spdlog::info("{}", format_event("mras.grant", fields));
}

void log_refusal(const EventFields& fields) {
  spdlog::warn("{}", format_event("mras.refused", fields));
}

}  // namespace avedge::mras

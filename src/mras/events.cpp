#include "mras/events.hpp"

#include <array>
#include <atomic>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace avedge::mras {

namespace {

constexpr std::array<EventEntry, 2> kEvents{{
    {5000, "mras.grant", turn::Severity::Info, "200", "MRAS credentials granted",
     "an authorized front end asked for a user's relay credentials", "-"},
    {5001, "mras.refused", turn::Severity::Warning, "403", "MRAS request refused",
     "the request was refused; the field code names the ms-diagnostics code (9001-9011)",
     "avedge events explain <code>"},
}};

}  // namespace

std::span<const EventEntry> event_catalogue() {
  return kEvents;
}

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
  out += format_fields(fields);
  out += '}';
  return out;
}

std::string format_fields(const EventFields& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    out += ",\"";
    append_json_escaped(out, k);
    out += "\":\"";
    append_json_escaped(out, v);
    out += '"';
  }
  return out;
}

namespace {
std::atomic<EventWriter> g_writer{nullptr};
}  // namespace

void set_event_writer(EventWriter w) {
  g_writer = w;
}

void log_grant(const EventFields& fields) {
  if (const EventWriter w = g_writer.load()) return w(kEvents[0], format_fields(fields));
  spdlog::info("{}", format_event("mras.grant", fields));
}

void log_refusal(const EventFields& fields) {
  if (const EventWriter w = g_writer.load()) return w(kEvents[1], format_fields(fields));
  spdlog::warn("{}", format_event("mras.refused", fields));
}

}  // namespace avedge::mras

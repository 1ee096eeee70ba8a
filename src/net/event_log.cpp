#include "net/event_log.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace avedge::net {

void append_json_escaped(std::string& out, std::string_view s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += ch;
        }
    }
  }
}

std::string format_event(const turn::EventInfo& e, unsigned worker) {
  std::string out = fmt::format("{{\"event\":\"{}\",\"code\":{},\"worker\":{}",
                                turn::reason_code(e.event), static_cast<unsigned>(e.event), worker);
  if (e.tuple != nullptr) {
    out += fmt::format(",\"transport\":\"{}\",\"client\":\"{}\",\"server\":\"{}\"",
                       turn::to_string(e.tuple->transport), e.tuple->client.to_string(),
                       e.tuple->server.to_string());
    if (e.tuple->conn_id != 0) out += fmt::format(",\"conn\":{}", e.tuple->conn_id);
  }
  if (!e.username.empty()) {
    out += ",\"user\":\"";
    append_json_escaped(out, e.username);
    out += '"';
  }
  if (!e.detail.empty()) {
    out += ",\"detail\":\"";
    append_json_escaped(out, e.detail);
    out += '"';
  }
  out += '}';
  return out;
}

void log_event(const turn::EventInfo& e, unsigned worker) {
  const auto code = static_cast<unsigned>(e.event);
  // Lifecycle and refusals at info; the normal 401 challenge and per-packet drops at debug,
  // so that a flood cannot fill the log.
  spdlog::level::level_enum level = spdlog::level::info;
  if (code >= 4000 || e.event == turn::Event::AuthMissing ||
      e.event == turn::Event::PermissionCreated || e.event == turn::Event::ChannelBound ||
      e.event == turn::Event::AllocationRefreshed) {
    level = spdlog::level::debug;
  }
  if (!spdlog::should_log(level)) return;
  spdlog::log(level, "{}", format_event(e, worker));
}

}  // namespace avedge::net

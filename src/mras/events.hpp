// MRAS events: one JSON line per grant or refusal through spdlog. Fields are identities, pool
// names and codes; never a username, password, secret or API key.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "turn/event_catalogue.hpp"

namespace avedge::mras {

// The MRAS events' catalogue rows (issue 5 item 3); ids 5000-5999 follow the relay's 1000-4999.
// A refusal's ms-diagnostics code (9001-9011, diagnostics.hpp) is its own catalogue entry.
struct EventEntry {
  unsigned id;
  std::string_view name;
  turn::Severity severity;
  std::string_view answer;
  std::string_view message;
  std::string_view cause;
  std::string_view resolution;
};
std::span<const EventEntry> event_catalogue();

using EventFields = std::vector<std::pair<std::string_view, std::string>>;

// {"event":"mras.refused","code":"9001",...}
std::string format_event(std::string_view name, const EventFields& fields);
// ,"code":"9001",... (the fields of a line, escaped)
std::string format_fields(const EventFields& fields);
// Where MRAS events go: `avedge serve` sets the JSON event log ([log] events, with its time, id,
// severity and flood control); without a writer (unit tests) they go to spdlog.
using EventWriter = void (*)(const EventEntry& e, std::string_view fields);
void set_event_writer(EventWriter w);
void log_grant(const EventFields& fields);
void log_refusal(const EventFields& fields);
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace avedge::mras

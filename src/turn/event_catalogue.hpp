// The relay's event catalogue (issue 5 item 3): for every Event of io.hpp a severity, a
// one-line message, the cause and the resolution. docs/EVENTS.md is generated from this
// table (`avedge events list --markdown`) and a unit test keeps the two equal.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "turn/io.hpp"

namespace avedge::turn {

// debug: routine (a normal 401 challenge, a refresh, a dropped datagram); written to the event
// log only at [log] level debug. info: lifecycle. warning: a refused request. error: the edge
// itself is short of something (ports, capacity).
enum class Severity : uint8_t { Debug, Info, Warning, Error };
const char* to_string(Severity s);

struct EventEntry {
  Event event;
  Severity severity;
  std::string_view answer;      // the STUN answer: "401", "200", "none", "-"
  std::string_view message;     // what happened, one line
  std::string_view cause;       // why it happens
  std::string_view resolution;  // what an operator does about it ("-": nothing)
};

std::span<const EventEntry> event_catalogue();
const EventEntry* find_event(Event e);  // null for a value that is not an Event

}  // namespace avedge::turn

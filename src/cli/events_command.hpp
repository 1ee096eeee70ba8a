// `avedge events list [--markdown]` and `avedge events explain ID|reason_code`: the event
// catalogue (docs/EVENTS.md) from the binary itself.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace avedge::cli {

struct EventsOptions {
  CLI::App* list = nullptr;
  CLI::App* explain = nullptr;
  bool markdown = false;
  std::string what;  // explain's ID or reason code
};

CLI::App* add_events_command(CLI::App& app, EventsOptions& opts);
// Exit codes: 0 found/listed, 1 unknown event.
int run_events(const EventsOptions& opts);

}  // namespace avedge::cli

#include "cli/events_command.hpp"

#include <fmt/format.h>

#include "perf/catalogue.hpp"

namespace avedge::cli {

CLI::App* add_events_command(CLI::App& app, EventsOptions& o) {
  CLI::App* ev = app.add_subcommand("events", "The event catalogue: ids, causes, resolutions");
  ev->require_subcommand(1);
  o.list = ev->add_subcommand("list", "Every event: id, reason code, severity, message");
  o.list->add_flag("--markdown", o.markdown, "The docs/EVENTS.md table");
  o.explain = ev->add_subcommand("explain", "Cause and resolution of one event");
  o.explain->add_option("event", o.what, "Numeric id (2006) or reason code (auth.bad_integrity)")
      ->required();
  return ev;
}

int run_events(const EventsOptions& o) {
  if (o.list->parsed()) {
    if (o.markdown) fmt::print("{}", perf::markdown_header());
    for (const auto& e : perf::catalogue()) {
      if (o.markdown) {
        fmt::print("{}\n", perf::markdown_row(e));
      } else {
        fmt::print("{:<5} {:<36} {:<8} {}\n", e.id, e.name, e.severity, e.message);
      }
    }
    return 0;
  }
  const auto entry = perf::find_entry(o.what);
  if (!entry) {
    const std::string near = perf::nearest_name(o.what);
    fmt::print(stderr, "avedge: no event '{}' in the catalogue{}; `avedge events list` shows all\n",
               o.what, near.empty() ? "" : fmt::format(" (did you mean {}?)", near));
    return 1;
  }
  fmt::print("{}", perf::explain_text(*entry));
  return 0;
}

}  // namespace avedge::cli

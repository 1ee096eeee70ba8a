#include "cli/drain_command.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "config/durations.hpp"

namespace avedge::cli {

CLI::App* add_drain_command(CLI::App& app, DrainOptions& o) {
  CLI::App* d = app.add_subcommand(
      "drain",
      "Take a running edge out of service: new allocations go elsewhere, it exits when "
      "the last one ends or at the deadline");
  add_admin_options(d, o.admin);
  d->add_option("--deadline", o.deadline, "Exit at the latest after this long (e.g. 90s, 10m)")
      ->capture_default_str();
  d->add_flag("--undo", o.undo, "Serve new allocations again (DELETE /api/v1/drain)");
  return d;
}

int run_drain(const DrainOptions& o) {
  const auto d = config::parse_duration(o.deadline);
  if (!d.ok() || d.value->count() <= 0) {
    fmt::print(stderr, "avedge: --deadline \"{}\": {}; fix: {}\n", o.deadline, d.problem.cause,
               d.problem.fix);
    return kExitUnreachable;
  }
  const auto target = admin_target(o.admin);
  if (!target) return kExitUnreachable;
  const AdminAnswer a =
      o.undo ? admin_post(*target, "/api/v1/drain", true)
             : admin_post(*target, fmt::format("/api/v1/drain?deadline={}s", d.value->count()));
  if (a.status == 0) {
    fmt::print(stderr, "avedge: {}\n", a.error);
    return kExitUnreachable;
  }
  if (a.status != 200) {
    fmt::print(stderr, "avedge: the edge at {} answered HTTP {}: {}", target->display(), a.status,
               a.body);
    return kExitRefused;
  }
  const auto j = nlohmann::json::parse(a.body, nullptr, false);
  if (j.is_discarded()) {
    fmt::print("{}", a.body);
    return 0;
  }
  if (o.undo) {
    fmt::print("{}: serving new allocations again\n", target->display());
    return 0;
  }
  const auto alt = j.value("alternate", nlohmann::json());
  fmt::print(
      "{}: draining; new Allocates get {}; {} allocation(s) left; exits when the last ends or in "
      "{}\n",
      target->display(),
      alt.is_string() ? "300 Try Alternate to " + alt.get<std::string>()
                      : std::string("403 (no other edge in the pool)"),
      j.value("allocations", uint64_t{0}), config::format_duration(*d.value));
  return 0;
}

}  // namespace avedge::cli

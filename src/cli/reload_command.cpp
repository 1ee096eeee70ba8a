#include "cli/reload_command.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace avedge::cli {

CLI::App* add_reload_command(CLI::App& app, ReloadOptions& o) {
  CLI::App* r = app.add_subcommand(
      "reload", "Re-read a running edge's configuration file and apply it (as SIGHUP does)");
  add_admin_options(r, o.admin);
  r->add_flag("--dry-run", o.dry_run,
              "Print what would change (and what needs a restart) without applying it");
  return r;
}

int run_reload(const ReloadOptions& o) {
  const auto target = admin_target(o.admin);
  if (!target) return kExitUnreachable;
  const AdminAnswer a =
      admin_post(*target, o.dry_run ? "/api/v1/reload?dry_run=1" : "/api/v1/reload");
  if (a.status == 0) {
    fmt::print(stderr, "avedge: {}\n", a.error);
    return kExitUnreachable;
  }
  const auto j = nlohmann::json::parse(a.body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("report")) {
    fmt::print(stderr, "avedge: the edge at {} answered HTTP {}: {}\n", target->display(), a.status,
               a.body);
    return a.status == 401 || a.status == 403 ? kExitUnreachable : kExitRefused;
  }
  fmt::print("{}", j.value("report", std::string()));
  return j.value("status", std::string()) == "refused" ? kExitRefused : 0;
}

}  // namespace avedge::cli

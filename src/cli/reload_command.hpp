// `avedge reload [--admin ADDR:PORT] [--token T] [--dry-run]` (issue 6 item 7): the running edge
// re-reads its configuration file and applies what it can without dropping an allocation;
// SIGHUP does the same.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/admin_args.hpp"

namespace avedge::cli {

struct ReloadOptions {
  AdminArgs admin;
  bool dry_run = false;
};

CLI::App* add_reload_command(CLI::App& app, ReloadOptions& o);
// Exit codes: 0 applied or nothing to do (or a dry run of a valid file), 1 refused (the file has
// errors; the running configuration stays), 2 the edge could not be reached.
int run_reload(const ReloadOptions& o);

}  // namespace avedge::cli

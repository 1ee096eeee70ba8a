// `avedge drain [--admin ADDR:PORT] [--token T] [--deadline 10m] [--undo]` (issue 6 item 6):
// asks a running edge to leave service. New Allocates get 300 Try Alternate (another edge of the
// pool) or 403; existing allocations keep relaying; the edge exits when the last one ends or at
// the deadline.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli/admin_args.hpp"

namespace avedge::cli {

struct DrainOptions {
  AdminArgs admin;
  std::string deadline = "10m";
  bool undo = false;
};

CLI::App* add_drain_command(CLI::App& app, DrainOptions& o);
// Exit codes: 0 the edge drains (or serves again with --undo), 1 it refused, 2 not reached.
int run_drain(const DrainOptions& o);

}  // namespace avedge::cli

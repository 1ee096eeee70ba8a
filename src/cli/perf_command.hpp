// `avedge stat`, `avedge perf collect` and `avedge perf report` (issue 5 items 4-5): thin
// wrappers around src/perf/.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli/admin_args.hpp"

namespace avedge::cli {

struct StatOptions {
  AdminArgs admin;
  std::string interval = "1s";
  unsigned count = 0;  // 0: until interrupted
};

struct PerfOptions {
  CLI::App* collect = nullptr;
  CLI::App* report = nullptr;
  AdminArgs admin;
  std::string tmpl;
  std::string interval = "1s";
  std::string duration = "10m";
  std::string output;
  std::string csv;  // report's input
  bool quiet = false;
};

CLI::App* add_stat_command(CLI::App& app, StatOptions& o);
CLI::App* add_perf_command(CLI::App& app, PerfOptions& o);
// Exit codes: 0 done, 1 the admin API or a file failed, 2 bad arguments or template.
int run_stat(const StatOptions& o);
int run_perf(const PerfOptions& o);

}  // namespace avedge::cli

// `avedge check [-c FILE] [--live] [--json]`: lints the configuration and topology (issue 4).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace avedge::cli {

struct CheckOptions {
  std::string config_file;  // empty: the embedded default
  bool json = false;
  bool live = false;  // --live: resolve, connect, allocate (src/probe/live_check.hpp)
};

CLI::App* add_check_command(CLI::App& app, CheckOptions& opts);
// Exit codes: 0 no findings (info only counts as clean), 1 findings, 2 could not run.
int run_check(const CheckOptions& opts);

}  // namespace avedge::cli

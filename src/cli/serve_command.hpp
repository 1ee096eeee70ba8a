// `avedge serve`: load the configuration (file or embedded default), apply the flags, start
// the workers, print the banner, run until SIGINT/SIGTERM.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "config/overrides.hpp"

namespace avedge::cli {

struct ServeOptions {
  std::string config_file;
  config::Overrides overrides;
  // Raw values of the single-valued flags; moved into overrides when given.
  std::string relay_ports;
  std::string realm;
  unsigned workers = 0;
  std::string log_level;
  std::string admin;  // --admin ADDR:PORT|off
  CLI::Option* relay_ports_opt = nullptr;
  CLI::Option* realm_opt = nullptr;
  CLI::Option* workers_opt = nullptr;
  CLI::Option* log_level_opt = nullptr;
  CLI::Option* admin_opt = nullptr;
};

CLI::App* add_serve_command(CLI::App& app, ServeOptions& opts);
// Exit codes: 0 clean stop, 1 runtime failure (cannot bind...), 2 invalid configuration.
int run_serve(ServeOptions& opts);

}  // namespace avedge::cli

// `avedge creds issue` and `avedge creds inspect`: mint a pool credential offline from the
// configuration's keys, and decode one (pool, key id, expiry, identity) and say whether this
// configuration can validate it (DESIGN.md §1 and §3, issue 3).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace avedge::cli {

struct CredsOptions {
  std::string config_file;
  bool json = false;
  // issue
  std::string pool;
  std::string user;
  std::string lifetime;
  // inspect
  std::string username;
  std::string password;
  CLI::App* issue = nullptr;
  CLI::App* inspect = nullptr;
};

CLI::App* add_creds_command(CLI::App& app, CredsOptions& opts);
// Exit codes: 0 done, 1 not a pool credential (inspect), 2 configuration or usage error.
int run_creds(const CredsOptions& opts);

}  // namespace avedge::cli

// --admin and --token of the commands that talk to a running edge's admin API (`avedge stat`,
// `perf collect`, `drain`, `reload`), and a small client for its POST endpoints.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "perf/admin_client.hpp"

namespace avedge::cli {

// Exit codes of `avedge drain` and `avedge reload`: 0 done, 1 the edge refused, 2 not reached.
constexpr int kExitRefused = 1;
constexpr int kExitUnreachable = 2;

struct AdminArgs {
  std::string admin = "127.0.0.1:9090";
  std::string token;  // or AVEDGE_ADMIN_TOKEN
};

void add_admin_options(CLI::App* app, AdminArgs& a);
// The target with its token (the flag, else AVEDGE_ADMIN_TOKEN); nullopt after printing why.
std::optional<perf::AdminTarget> admin_target(const AdminArgs& a);

struct AdminAnswer {
  int status = 0;     // HTTP status; 0 when the edge could not be reached
  std::string body;   // the JSON answer
  std::string error;  // set when status is 0: why the edge could not be reached
};
// POST (or DELETE) path, with its query, to the admin API; the token goes in the Authorization
// header only.
AdminAnswer admin_post(const perf::AdminTarget& t, const std::string& path, bool del = false);

}  // namespace avedge::cli

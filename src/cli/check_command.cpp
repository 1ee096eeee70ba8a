#include "cli/check_command.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include <fmt/format.h>

#include "config/dev_credentials.hpp"
#include "config/finalize.hpp"
#include "config/loader.hpp"
#include "diag/check.hpp"
#include "net/interface_forwarding.hpp"
#include "probe/live_check.hpp"

namespace avedge::cli {

namespace {

constexpr int kExitCouldNotRun = 2;

// The host facts of CheckEnv: interface addresses, the fd limit, the wall clock.
diag::CheckEnv host_env() {
  diag::CheckEnv env;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) == 0) {
    env.local_addresses_known = true;
    for (const ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
      if (a->ifa_addr == nullptr) continue;
      if (auto ep = Endpoint::from_sockaddr(a->ifa_addr)) env.local_addresses.push_back(ep->ip);
    }
    freeifaddrs(list);
  }
  rlimit rl{};
  // `avedge serve` raises its soft limit up to the hard one (net/descriptor_table.hpp).
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY) {
    env.fd_limit = static_cast<uint64_t>(rl.rlim_max);
  }
  if (struct if_nameindex* names = if_nameindex(); names != nullptr) {
    env.interfaces_known = true;
    for (const struct if_nameindex* n = names; n->if_index != 0 && n->if_name != nullptr; ++n) {
      env.interfaces.push_back(
          {n->if_name, net::interface_forwards(n->if_name, Family::V4).value_or(false)});
    }
    if_freenameindex(names);
  }
  env.now = static_cast<UnixSeconds>(std::time(nullptr));
  return env;
}

}  // namespace

CLI::App* add_check_command(CLI::App& app, CheckOptions& opts) {
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Lint the configuration and topology: each finding with file:line, what users "
      "will experience, and the fix");
  cmd->add_option("-c,--config", opts.config_file,
                  "configuration file (default: the embedded default)");
  cmd->add_flag("--json", opts.json, "print the findings as a JSON array");
  cmd->add_flag("--live", opts.live,
                "also resolve every public_fqdn, connect to each listener and allocate with a "
                "self-issued credential");
  return cmd;
}

int run_check(const CheckOptions& opts) {
  const std::string name = opts.config_file.empty() ? "the embedded default" : opts.config_file;
  config::LoadResult r = opts.config_file.empty() ? config::load_embedded_default()
                                                  : config::load_file(opts.config_file);
  // Errors with a rule id are explained by that rule below; any other error stops the check.
  config::Errors deferred;
  config::DevCredentials dev;
  if (diag::only_rule_errors(r.errors)) {
    deferred = std::move(r.errors);
    r.errors.clear();
    // Check what `serve` would run: with dev_credentials the missing keys are generated there.
    dev = config::add_dev_credentials(r.config);
    if (auto errors = config::finalize(r.config); !errors.empty()) r.errors = std::move(errors);
  }
  if (!r.ok()) {
    for (const auto& e : r.errors) fmt::print(stderr, "avedge: {}\n", e.to_string());
    fmt::print(stderr, "avedge check: {} could not be loaded; fix the errors above first\n", name);
    return kExitCouldNotRun;
  }
  std::vector<diag::Finding> findings = diag::check_loaded(r.config, deferred, host_env());
  if (opts.live) {  // issue 4: what only the network can tell (src/probe/live_check.hpp)
    constexpr int kLiveTimeoutMs = 3000;
    // A pool key generated here is not the one a running development edge generated.
    auto live = probe::check_live(r.config, kLiveTimeoutMs, !dev.pool_key_generated);
    findings.insert(findings.end(), live.findings.begin(), live.findings.end());
    if (!opts.json) {
      for (const auto& line : live.lines) fmt::print("live: {}\n", line);
    }
  }
  if (opts.json) {
    fmt::print("{}", diag::format_json(findings));
  } else {
    fmt::print("{}", diag::format_human(findings, name, isatty(STDOUT_FILENO) == 1));
  }
  return diag::exit_status(findings);
}

}  // namespace avedge::cli

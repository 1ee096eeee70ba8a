#include "cli/probe_command.hpp"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "config/dev_credentials.hpp"
#include "config/finalize.hpp"
#include "config/loader.hpp"
#include "probe/probe.hpp"

namespace avedge::cli {

namespace {

constexpr int kExitCouldNotRun = 2;

int could_not_run(const std::string& why) {
  fmt::print(stderr, "avedge probe: {}\n", why);
  return kExitCouldNotRun;
}

}  // namespace

CLI::App* add_probe_command(CLI::App& app, ProbeCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "probe",
      "Test an edge pool from outside: MRAS credentials as a front end, then STUN and TURN on "
      "each transport with data both ways; every step timed and explained");
  cmd->add_option("--pool", o.pool, "edge pool to test, e.g. EDGEPOOL01")->required();
  cmd->add_option("--user", o.user, "user to ask credentials for, e.g. sip:alice@contoso.com");
  cmd->add_option("--as", o.frontend,
                  "front end (name or fqdn) to ask MRAS as (default: the first one authorized "
                  "for the pool)");
  cmd->add_option("--mras", o.mras, "sip or http (default: sip when [mras] sip_listen is set)");
  cmd->add_option("--transports", o.transports, "comma-separated: udp,tcp,tls (default: all)");
  cmd->add_option("-c,--config", o.config_file,
                  "configuration with the pools and MRAS (default: the embedded default)");
  cmd->add_option("--timeout", o.timeout_s, "seconds per step (default 3)");
  cmd->add_flag("--insecure", o.insecure, "do not verify TLS certificates (test servers)");
  cmd->add_option("--cafile", o.ca_file,
                  "trust anchors for TLS (default: [tls] cert of the configuration, else the "
                  "system store)");
  cmd->add_option("--cert", o.cert_file,
                  "the front end's client certificate for MRAS over SIP/TLS");
  cmd->add_option("--key", o.key_file, "its key, when not in --cert");
  cmd->add_option("--username", o.username,
                  "test this credential (e.g. from a client log) instead of asking MRAS; the "
                  "relay is the pool's public_fqdn and ports");
  cmd->add_option("--password", o.password, "its password");
  cmd->add_option("--api-key", o.api_key,
                  "MRAS over HTTP API key (default: the front end's api_key; `make run` prints "
                  "the one it generates)");
  cmd->add_option("--peer", o.peer,
                  "address of the UDP echo peer (default: the probe's own address toward the "
                  "relay)");
  cmd->add_option("--tls-port", o.tls_port, "TURN over TLS port (default: the pool's TCP port)");
  cmd->add_flag("--json", o.json, "print the steps as a JSON array");
  return cmd;
}

int run_probe_command(const ProbeCommandOptions& opts) {
  probe::ProbeOptions o;
  o.pool = opts.pool;
  o.user = opts.user;
  o.frontend = opts.frontend;
  o.mras = opts.mras;
  if (o.user.empty() && opts.username.empty()) {
    return could_not_run("--user is required (or --username and --password to test a credential)");
  }
  std::string err;
  o.transports = probe::parse_transports(opts.transports, err);
  if (o.transports.empty()) return could_not_run(err);
  if (!(opts.timeout_s > 0 && opts.timeout_s <= 60)) {
    return could_not_run("--timeout: write seconds between 0.1 and 60, e.g. --timeout 3");
  }
  o.timeout_ms = static_cast<int>(opts.timeout_s * 1000);
  o.insecure = opts.insecure;
  o.ca_file = opts.ca_file;
  o.cert_file = opts.cert_file;
  o.key_file = opts.key_file;
  o.api_key = opts.api_key;
  o.username = opts.username;
  o.password = opts.password;
  o.tls_port = opts.tls_port;
  if (!opts.peer.empty()) {
    o.peer_ip = IpAddress::parse(opts.peer);
    if (!o.peer_ip) return could_not_run("--peer " + opts.peer + ": not an IP address");
  }
  const std::string name = opts.config_file.empty() ? "the embedded default" : opts.config_file;
  config::LoadResult r = opts.config_file.empty() ? config::load_embedded_default()
                                                  : config::load_file(opts.config_file);
  if (r.ok()) {
    config::add_dev_credentials(r.config);
    if (auto errors = config::finalize(r.config); !errors.empty()) r.errors = std::move(errors);
  }
  if (!r.ok()) {
    for (const auto& e : r.errors) fmt::print(stderr, "avedge: {}\n", e.to_string());
    return could_not_run(name + " could not be loaded; fix the errors above first");
  }
  probe::Plan plan;
  if (auto why = probe::plan_probe(r.config, o, plan); !why.empty()) return could_not_run(why);
  const auto steps = probe::run_probe(r.config, o, plan);
  if (opts.json) {
    fmt::print("{}", probe::format_json(steps));
  } else {
    fmt::print("probe of {} for {} {} ({})\n", o.pool, o.user,
               plan.frontend != nullptr ? "as " + plan.frontend->fqdn.value
                                        : std::string("with a given credential"),
               name);
    fmt::print("{}", probe::format_human(steps, isatty(STDOUT_FILENO) == 1));
  }
  return probe::exit_status(steps);
}

}  // namespace avedge::cli

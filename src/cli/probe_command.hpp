// `avedge probe --pool P --user U [--as FRONTEND] [--mras sip|http] [--transports udp,tcp,tls]
// [-c FILE] [--json]`: tests an edge pool from outside, like a client and its front end (issue 4).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace avedge::cli {

struct ProbeCommandOptions {
  std::string config_file;
  std::string pool;
  std::string user;
  std::string frontend;
  std::string mras;
  std::string transports = "udp,tcp,tls";
  double timeout_s = 3.0;
  bool insecure = false;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string api_key;
  std::string username;
  std::string password;
  std::string peer;
  uint16_t tls_port = 0;
  bool json = false;
};

CLI::App* add_probe_command(CLI::App& app, ProbeCommandOptions& opts);
// Exit codes: 0 every step passed, 1 a step failed, 2 could not run (arguments, configuration).
int run_probe_command(const ProbeCommandOptions& opts);

}  // namespace avedge::cli

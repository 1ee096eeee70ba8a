// Command-line flags of `avedge serve` that override the configuration file. A list given by
// flags replaces the file's list.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/problem.hpp"

namespace avedge::config {

struct Overrides {
  std::vector<std::string> listen;     // --listen URL
  std::vector<std::string> relay_ips;  // --relay-ip IP
  std::optional<std::string> relay_ports;
  std::optional<std::string> realm;
  std::vector<std::string> users;        // --user NAME:PASS
  std::vector<std::string> secrets;      // --secret S
  std::vector<std::string> allow_peers;  // --allow-peer CIDR
  std::optional<unsigned> workers;
  std::optional<std::string> log_level;
  std::optional<std::string> admin;  // --admin ADDR:PORT|off
};

Errors apply_overrides(const Overrides& o, Config& cfg);

}  // namespace avedge::config

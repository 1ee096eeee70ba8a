// `avedge check` (issue 4, part 1): rules over the whole configuration and topology. Each
// finding names a rule id, a severity, the file:line to change, what users will experience and
// the fix. A pure function: everything it needs from the host comes in CheckEnv, so tests fake it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/model_basics.hpp"
#include "config/problem.hpp"
#include "core/address.hpp"
#include "core/clock.hpp"

namespace avedge::diag {

enum class Severity : uint8_t { Info, Warning, Error };
const char* to_string(Severity s);  // "info", "warning", "error"

struct Finding {
  std::string rule;  // "AVE-POOL-001"
  Severity severity = Severity::Error;
  config::SourcePos where;
  std::string message;  // what is wrong
  std::string impact;   // what users will experience
  std::string fix;      // what to change
};

// Facts of the host the rules need.
struct CheckEnv {
  // Addresses configured on this host's interfaces (getifaddrs). Empty with
  // local_addresses_known false: the listen-address rule is skipped.
  std::vector<IpAddress> local_addresses;
  bool local_addresses_known = false;
  uint64_t fd_limit = 0;  // RLIMIT_NOFILE hard limit (serve raises its soft limit up to it); 0:
                          // unknown, rule skipped
  // Network interfaces of this host with their IPv4 forwarding sysctl
  // (net.ipv4.conf.NAME.forwarding). interfaces_known false: the fast path rules are skipped.
  struct Interface {
    std::string name;
    bool forwarding = false;
  };
  std::vector<Interface> interfaces;
  bool interfaces_known = false;
  UnixSeconds now = 0;  // wall clock, for certificate expiry
};

// Every rule over cfg (loaded and finalized), in rule order.
std::vector<Finding> check_config(const config::Config& cfg, const CheckEnv& env);

// `avedge check` on a configuration whose only load errors carry a rule id (deferred: see
// config::ConfigError::rule): check_config plus a finding for each deferred error no rule reported.
bool only_rule_errors(const config::Errors& errors);
std::vector<Finding> check_loaded(const config::Config& cfg, const config::Errors& deferred,
                                  const CheckEnv& env);

// Exit status of `avedge check` for these findings: 0 none (info only counts as clean), 1 some.
int exit_status(const std::vector<Finding>& findings);

// One block per finding ("file:line  SEVERITY  RULE  message", "  users: ...", "  fix: ..."),
// then a summary line. colour: ANSI colours for a terminal.
std::string format_human(const std::vector<Finding>& findings, std::string_view config_name,
                         bool colour);
// A JSON array of findings: rule, severity, file, line, message, impact, fix.
std::string format_json(const std::vector<Finding>& findings);

// What `avedge check` reads from a PEM certificate.
struct CertInfo {
  std::vector<std::string> dns_names;  // subjectAltName DNS entries (or the CN when none)
  UnixSeconds not_after = 0;
};
// false and error set when the file cannot be read or holds no certificate.
bool read_cert_info(const std::string& path, CertInfo& out, std::string& error);
// RFC 6125 §6.4: exact match, or a wildcard "*.contoso.com" covering one left-most label.
bool name_covers(std::string_view pattern, std::string_view fqdn);

}  // namespace avedge::diag

// What a configuration reload changes (issue 6 item 7): key by key, with the file:line of the
// new value, split into what a running edge applies and what needs a restart. Secret values
// are never shown ("changed").
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace avedge::config {

struct ConfigChange {
  std::string key;     // "quota.per_user", "auth.users", "edge.listen"
  SourcePos where;     // of the new value (of the old one when a value was removed)
  std::string detail;  // "100 -> 5", "added bob, removed alice", "changed" for secrets
  bool restart = false;
};

// running: the configuration in force; next: the re-read file, loaded and finalized.
// tls_files_changed: the certificate or key files' contents differ (the caller read them).
std::vector<ConfigChange> diff_configs(const Config& running, const Config& next,
                                       bool tls_files_changed);

// One line: "quota.per_user  avedge.toml:12  100 -> 5  (applied)" or "... (needs a restart)".
std::string to_string(const ConfigChange& c, bool dry_run);

// Carries into `next` what a running edge cannot change, so it describes what then runs.
void keep_restart_only(const Config& running, Config& next);

}  // namespace avedge::config

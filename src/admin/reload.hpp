// Hot reload (issue 6 item 7): SIGHUP and POST /api/v1/reload re-read the configuration file the
// edge was started with (and its command-line flags), diff it against the running one, and
// apply what a running edge can change without dropping an allocation: credentials, pool keys,
// peer policy, quotas, certificates, log level and events_rate. A file with errors is never
// applied; changes that need a restart are reported and not applied.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/overrides.hpp"
#include "config/reload_diff.hpp"

namespace avedge::net {
class ServerRunner;
}

namespace avedge::admin {

struct ReloadOutcome {
  enum class Status : uint8_t { Applied, NothingToDo, DryRun, Refused };
  Status status = Status::NothingToDo;
  std::vector<config::ConfigChange> changes;
  std::vector<std::string> errors;  // "avedge.toml:12: ...; fix: ..."
};

class Reloader {
 public:
  // file: as given to `serve -c` (empty: the embedded default); running: the configuration in
  // force (finalized, TLS prepared); runner: the workers to hand the new state to.
  Reloader(std::string file, config::Overrides overrides, config::Config running,
           net::ServerRunner& runner);
  // Any thread; one reload at a time.
  ReloadOutcome run(bool dry_run);

 private:
  std::mutex mu_;
  std::string file_;
  config::Overrides overrides_;
  config::Config running_;
  std::string tls_text_;  // the certificate and key files as last loaded
  net::ServerRunner& runner_;
};

// {"status":"applied","changes":[{"key","where","detail","restart"}],"errors":[...],"report":"..."}
std::string outcome_json(const ReloadOutcome& o);
// 200, or 422 when refused.
int outcome_http_status(const ReloadOutcome& o);
// The human-readable report: one line per change, then the errors, then a summary line.
std::string outcome_text(const ReloadOutcome& o);

}  // namespace avedge::admin

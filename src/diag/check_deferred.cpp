// Problems the loader found but left for `avedge check` to explain (config::ConfigError::rule):
// the rules see the kept value and report it with the user impact; a problem no rule reported
// (a safety net) still becomes a finding of its rule, never a silent pass.
#include <algorithm>

#include "diag/check.hpp"

namespace avedge::diag {

bool only_rule_errors(const config::Errors& errors) {
  return std::all_of(errors.begin(), errors.end(),
                     [](const config::ConfigError& e) { return !e.rule.empty(); });
}

std::vector<Finding> check_loaded(const config::Config& cfg, const config::Errors& deferred,
                                  const CheckEnv& env) {
  std::vector<Finding> findings = check_config(cfg, env);
  for (const auto& e : deferred) {
    const bool reported = std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
      return f.rule == e.rule && f.where.file == e.where.file && f.where.line == e.where.line;
    });
    if (!reported) {
      findings.push_back(Finding{e.rule, Severity::Error, e.where, e.cause,
                                 "avedge serve refuses to start with this configuration", e.fix});
    }
  }
  return findings;
}

}  // namespace avedge::diag

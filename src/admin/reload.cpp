#include "admin/reload.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "config/finalize.hpp"
#include "config/loader.hpp"
#include "net/event_log.hpp"
#include "net/server_runner.hpp"

namespace avedge::admin {

namespace {

constexpr auto kWorkerDeadline = std::chrono::milliseconds(2000);

std::string read_all(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string tls_text(const config::Config& c) {
  return read_all(c.tls.cert.value) + '\0' + read_all(c.tls.key.value);
}

const char* status_name(ReloadOutcome::Status s) {
  switch (s) {
    case ReloadOutcome::Status::Applied:
      return "applied";
    case ReloadOutcome::Status::NothingToDo:
      return "nothing to do";
    case ReloadOutcome::Status::DryRun:
      return "dry run";
    case ReloadOutcome::Status::Refused:
      return "refused";
  }
  return "?";
}

// The running edge's log settings take the new level and rate (the target stays).
void apply_logging(const config::Config& next) {
  spdlog::set_level(spdlog::level::from_str(next.log_level.value));
  const net::EventLogSettings ev{next.log_events.value,
                                 net::severity_for_level(next.log_level.value),
                                 next.log_events_rate.value};
  std::string error;
  if (!net::configure_event_log(ev, error)) spdlog::warn("reload: {}", error);
}

// Development credentials (dev_credentials = true) were generated at start: a reload keeps them
// where the file still configures none.
void keep_dev_credentials(const config::Config& running, config::Config& next) {
  if (next.users.empty() && next.secrets.empty()) {
    next.users = running.users;
    next.secrets = running.secrets;
  }
  for (auto& p : next.topology.edge_pools) {
    const auto* r = running.topology.find_pool(p.name.value);
    if (p.secrets.empty() && r != nullptr) p.secrets = r->secrets;
  }
  for (auto& f : next.topology.frontend_pools) {
    for (const auto& r : running.topology.frontend_pools) {
      if (f.api_key.value.empty() && r.name.value == f.name.value) f.api_key = r.api_key;
    }
  }
}

}  // namespace

Reloader::Reloader(std::string file, config::Overrides overrides, config::Config running,
                   net::ServerRunner& runner)
    : file_(std::move(file)),
      overrides_(std::move(overrides)),
      running_(std::move(running)),
      tls_text_(tls_text(running_)),
      runner_(runner) {}

ReloadOutcome Reloader::run(bool dry_run) {
  const std::lock_guard lock(mu_);
  ReloadOutcome out;
  config::LoadResult loaded =
      file_.empty() ? config::load_embedded_default() : config::load_file(file_);
  config::Errors errors = std::move(loaded.errors);
  config::Config next = std::move(loaded.config);
  if (errors.empty()) errors = config::apply_overrides(overrides_, next);
  if (errors.empty() && next.dev_credentials.value) keep_dev_credentials(running_, next);
  if (errors.empty()) errors = config::finalize(next);
  if (!errors.empty()) {
    out.status = ReloadOutcome::Status::Refused;
    for (const auto& e : errors) out.errors.push_back(e.to_string());
    return out;
  }
  // The self-signed certificate generated at start stays.
  if (next.tls.cert.value.empty() && next.tls.key.value.empty()) next.tls = running_.tls;
  const std::string new_tls = tls_text(next);
  out.changes = config::diff_configs(running_, next, new_tls != tls_text_);
  const bool any_applied =
      std::any_of(out.changes.begin(), out.changes.end(), [](const auto& c) { return !c.restart; });
  if (dry_run) {
    out.status = ReloadOutcome::Status::DryRun;
    return out;
  }
  if (!any_applied) return out;  // NothingToDo (restart-only changes are reported)
  config::keep_restart_only(running_, next);
  std::string error;
  if (!runner_.apply_reload(next, error, kWorkerDeadline)) {
    out.status = ReloadOutcome::Status::Refused;
    out.errors.push_back(error);
    return out;
  }
  apply_logging(next);
  running_ = std::move(next);
  tls_text_ = new_tls;
  out.status = ReloadOutcome::Status::Applied;
  return out;
}

std::string outcome_json(const ReloadOutcome& o) {
  nlohmann::json changes = nlohmann::json::array();
  bool restart = false;
  for (const auto& c : o.changes) {
    changes.push_back({{"key", c.key},
                       {"where", c.where.to_string()},
                       {"detail", c.detail},
                       {"restart", c.restart}});
    restart = restart || c.restart;
  }
  const nlohmann::json j{{"status", status_name(o.status)},
                         {"changes", changes},
                         {"errors", o.errors},
                         {"restart_needed", restart},
                         {"report", outcome_text(o)}};
  return j.dump() + "\n";
}

int outcome_http_status(const ReloadOutcome& o) {
  return o.status == ReloadOutcome::Status::Refused ? 422 : 200;
}

std::string outcome_text(const ReloadOutcome& o) {
  std::string s;
  const bool dry = o.status == ReloadOutcome::Status::DryRun;
  size_t restart = 0;
  for (const auto& c : o.changes) {
    s += config::to_string(c, dry) + "\n";
    if (c.restart) ++restart;
  }
  for (const auto& e : o.errors) s += "error: " + e + "\n";
  if (o.status == ReloadOutcome::Status::Refused) {
    s += "reload refused: the running configuration stays\n";
  } else if (o.changes.empty()) {
    s += "no change\n";
  } else {
    s += fmt::format("{}: {} change(s), {} need a restart\n", status_name(o.status),
                     o.changes.size(), restart);
  }
  return s;
}

}  // namespace avedge::admin

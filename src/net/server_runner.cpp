#include "net/server_runner.hpp"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <array>
#include <iterator>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "config/runtime.hpp"
#include "core/crypto.hpp"
#include "net/port_probe.hpp"
#include "net/tls_context.hpp"
#include "net/worker.hpp"
#include "net/worker_gather.hpp"

namespace avedge::net {

namespace {

unsigned workers_for(const config::Config& cfg) {
  if (cfg.workers.value != 0) return cfg.workers.value;
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

WorkerShared make_shared_state(const config::Config& cfg) {
  WorkerShared s;
  s.server_config = config::make_server_config(cfg);
  s.credentials = config::make_credentials(cfg);
  // One nonce key per process: every worker accepts the nonces of the others.
  std::array<uint8_t, 32> key{};
  crypto::random_bytes(key);
  s.nonces = std::make_shared<auth::NonceService>(key, cfg.lifetimes.nonce.value, false);
  s.policy = config::make_peer_policy(cfg);
  s.quota = std::make_shared<turn::QuotaTracker>(cfg.quota.total.value, cfg.quota.per_user.value,
                                                 cfg.quota.per_ip.value);
  s.reservations = std::make_shared<turn::Reservations>();
  if (cfg.has_tls_listener()) s.tls = make_tls_context(cfg.tls.cert.value, cfg.tls.key.value);
  s.relay_ports = cfg.relay_ports.value;
  s.relay_v4 = cfg.relay_ip(Family::V4);
  s.relay_v6 = cfg.relay_ip(Family::V6);
  s.streams.counters = std::make_shared<ConnectionLimits>(cfg.limits.connections_total.value,
                                                          cfg.limits.connections_per_ip.value);
  s.streams.idle_timeout = cfg.limits.idle_timeout.value;
  s.streams.max_message = cfg.limits.max_message_size.value;
  s.latency_budget = std::chrono::microseconds(cfg.latency_budget_us.value);
  s.budget_when_cheaper = cfg.latency_budget_when_cheaper.value;
  s.busy_poll = std::chrono::microseconds(cfg.busy_poll_us.value);
  return s;
}

}  // namespace

ServerRunner::ServerRunner(const config::Config& cfg) : cfg_(cfg) {}

ServerRunner::~ServerRunner() {
  stop();
}

void ServerRunner::start() {
  WorkerShared shared = make_shared_state(cfg_);
  if (cfg_.fast_path.value == "tc") {
    std::vector<std::string> names;
    for (const auto& n : cfg_.fast_path_interfaces) names.push_back(n.value);
    fast_path_ = FastPath::attach(names);
    shared.fast_path = fast_path_;
  }
  quota_ = shared.quota;
  connections_ = shared.streams.counters;
  // Before any worker binds: with SO_REUSEPORT a port another process listens on would be
  // shared with it, not refused.
  for (const auto& l : cfg_.listeners) refuse_if_port_taken(l);
  const unsigned n = workers_for(cfg_);
  workers_.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>(i, shared);
    // Worker 0 binds what the configuration says; the others bind the same ports
    // (SO_REUSEPORT), so that port 0 resolves once for all.
    auto b = w->bind(i == 0 ? cfg_.listeners : bound_);
    if (i == 0) bound_ = std::move(b);
    workers_.push_back(std::move(w));
  }
  for (auto& w : workers_) {
    Worker* raw = w.get();
    threads_.emplace_back([raw] {
      try {
        raw->run();
      } catch (const std::exception& e) {
        spdlog::critical("worker {} stopped: {}", raw->index(), e.what());
      }
    });
  }
}

void ServerRunner::stop() {
  for (auto& w : workers_) w->stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  workers_.clear();
  fast_path_.reset();  // detaches, after the workers withdrew their routes
}

void ServerRunner::for_each_stats(
    const std::function<void(const turn::Stats&, const NetStats&)>& fn) const {
  for (const auto& w : workers_) fn(w->turn_stats(), w->net_stats());
}

std::optional<std::vector<turn::AllocationInfo>> ServerRunner::sessions(
    std::chrono::milliseconds deadline) const {
  auto per = gather<std::vector<turn::AllocationInfo>>(
      workers_, [](Worker& w) { return w.sessions(); }, deadline);
  if (!per) return std::nullopt;
  std::vector<turn::AllocationInfo> all;
  for (auto& v : *per) std::move(v.begin(), v.end(), std::back_inserter(all));
  return all;
}

std::optional<bool> ServerRunner::delete_session(uint32_t id,
                                                 std::chrono::milliseconds deadline) const {
  const unsigned owner = id >> Worker::kRelayIdShift;  // relay ids: worker index << 24 | n
  if (owner >= workers_.size()) return false;
  auto r = gather_one<bool>(
      *workers_[owner], [id](Worker& w) { return w.delete_session(id); }, deadline);
  return r;
}

bool ServerRunner::set_drain(const std::optional<turn::DrainTarget>& drain,
                             std::chrono::milliseconds deadline) const {
  return gather<bool>(
             workers_,
             [drain](Worker& w) {
               w.set_drain(drain);
               return true;
             },
             deadline)
      .has_value();
}

bool ServerRunner::apply_reload(const config::Config& next, std::string& error,
                                std::chrono::milliseconds deadline) const {
  WorkerReload r;
  try {
    if (next.has_tls_listener()) r.tls = make_tls_context(next.tls.cert.value, next.tls.key.value);
  } catch (const std::exception& e) {
    error = fmt::format("{}: {}", next.tls.cert.where.to_string(), e.what());
    return false;
  }
  r.credentials = config::make_credentials(next);
  r.policy = config::make_peer_policy(next);
  const bool ok = gather<bool>(
                      workers_,
                      [r](Worker& w) {
                        w.reload(r);
                        return true;
                      },
                      deadline)
                      .has_value();
  if (!ok) {
    error = "a worker did not answer in time";
    return false;
  }
  if (quota_) {
    quota_->set_limits(next.quota.total.value, next.quota.per_user.value, next.quota.per_ip.value);
  }
  return true;
}

std::optional<std::vector<Decision>> ServerRunner::decisions(
    std::string_view user, size_t max, std::chrono::milliseconds deadline) const {
  const std::string key(user);
  auto per = gather<std::vector<Decision>>(
      workers_, [key, max](Worker& w) { return w.decisions(key, max); }, deadline);
  if (!per) return std::nullopt;
  std::vector<Decision> all;
  for (auto& v : *per) std::move(v.begin(), v.end(), std::back_inserter(all));
  std::stable_sort(all.begin(), all.end(),
                   [](const Decision& a, const Decision& b) { return a.time > b.time; });
  if (all.size() > max) all.resize(max);
  return all;
}

int run_server(const config::Config& cfg,
               const std::function<void(const std::vector<config::Listener>&)>& on_ready,
               const RunHooks& hooks) {
  // Block SIGINT/SIGTERM in every thread (the workers inherit the mask) and take them with
  // sigwait here: no async-signal-safety puzzle.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  ServerRunner runner(cfg);
  try {
    runner.start();
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  if (hooks.started) {
    if (const std::string err = hooks.started(runner); !err.empty()) {
      spdlog::error("{}", err);
      runner.stop();
      return 1;
    }
  }
  on_ready(runner.listeners());
  int sig = 0;
  for (;;) {
    sigwait(&set, &sig);
    if (sig != SIGHUP) break;
    if (hooks.reload) {
      hooks.reload();
    } else {
      spdlog::warn("SIGHUP ignored: nothing to reload");
    }
  }
  spdlog::info("{{\"event\":\"server.stopping\",\"signal\":{}}}", sig);
  if (hooks.stopping) hooks.stopping();
  runner.stop();
  return 0;
}

}  // namespace avedge::net

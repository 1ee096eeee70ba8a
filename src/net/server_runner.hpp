// Starts the workers of a validated configuration and stops them: the entry point of
// `avedge serve` and of the network tests.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "net/connection_limits.hpp"
#include "net/decision_ring.hpp"
#include "net/fast_path.hpp"
#include "net/net_stats.hpp"
#include "turn/server.hpp"
#include "turn/stats.hpp"

namespace avedge::net {

class Worker;

class ServerRunner {
 public:
  // cfg: loaded, finalized, with tls.cert/tls.key set when a TLS listener exists.
  explicit ServerRunner(const config::Config& cfg);
  ~ServerRunner();  // stops and joins
  ServerRunner(const ServerRunner&) = delete;
  ServerRunner& operator=(const ServerRunner&) = delete;

  // Builds every worker and binds every listener, then starts the threads. Throws
  // std::runtime_error with a readable message (file:line of the listener) on failure.
  void start();
  // The listeners as bound (port 0 replaced by the port the kernel chose).
  [[nodiscard]] const std::vector<config::Listener>& listeners() const { return bound_; }
  [[nodiscard]] size_t worker_count() const { return workers_.size(); }
  // Stops every worker's io_context and joins the threads. Idempotent.
  void stop();

  // --- admin API (any thread) ---
  // Calls fn with each worker's live counters (relaxed reads, no lock).
  void for_each_stats(const std::function<void(const turn::Stats&, const NetStats&)>& fn) const;
  // TCP/TLS connection limits and stream closes (null before start()).
  [[nodiscard]] const ConnectionLimits* connection_limits() const { return connections_.get(); }
  // The tc fast path (edge.fast_path = "tc"); null when off or before start().
  [[nodiscard]] const FastPath* fast_path() const { return fast_path_.get(); }
  // Asks every worker (posted to its thread) and waits at most `deadline`; nullopt on timeout.
  [[nodiscard]] std::optional<std::vector<turn::AllocationInfo>> sessions(
      std::chrono::milliseconds deadline) const;
  // The owning worker deletes the allocation (event allocation.deleted). nullopt on timeout.
  [[nodiscard]] std::optional<bool> delete_session(uint32_t id,
                                                   std::chrono::milliseconds deadline) const;
  // Every worker refuses new allocations (300 to `drain`'s target, or 403), or serves again
  // (nullopt). False on timeout.
  bool set_drain(const std::optional<turn::DrainTarget>& drain,
                 std::chrono::milliseconds deadline) const;
  // Reload (issue 6 item 7): credentials, peer policy, quotas and (with a TLS listener) the
  // certificate of `next`, handed to every worker on its own thread. False with `error` set
  // when the certificate does not load or a worker did not answer; nothing is applied then.
  bool apply_reload(const config::Config& next, std::string& error,
                    std::chrono::milliseconds deadline) const;
  // The last `max` decisions about `user` over every worker, newest first.
  [[nodiscard]] std::optional<std::vector<Decision>> decisions(
      std::string_view user, size_t max, std::chrono::milliseconds deadline) const;

 private:
  const config::Config& cfg_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::vector<config::Listener> bound_;
  std::shared_ptr<turn::QuotaTracker> quota_;
  std::shared_ptr<const ConnectionLimits> connections_;  // TCP/TLS limits and their counters
  std::shared_ptr<FastPath> fast_path_;
};

// Runs until SIGINT or SIGTERM. on_ready is called once every listener is bound (to print the
// banner and "avedge: ready"). Returns the process exit code: 0 on a clean stop, 1 when the
// server could not start (the reason is logged).
// Optional hooks of run_server: `started` runs once the workers run, before on_ready (the
// admin API attaches there; a non-empty return is a start error); `stopping` runs before the
// workers stop.
struct RunHooks {
  std::function<std::string(ServerRunner&)> started;
  std::function<void()> stopping;
  std::function<void()> reload;  // on SIGHUP (issue 6 item 7); SIGHUP is ignored without it
};
int run_server(const config::Config& cfg,
               const std::function<void(const std::vector<config::Listener>&)>& on_ready,
               const RunHooks& hooks = {});

}  // namespace avedge::net

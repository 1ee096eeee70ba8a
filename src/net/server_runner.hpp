// Starts the workers of a validated configuration and stops them: the entry point of
// `avedge serve` and of the network tests.
#pragma once

#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "config/config.hpp"

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

 private:
  const config::Config& cfg_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::vector<config::Listener> bound_;
};

// Runs until SIGINT or SIGTERM. on_ready is called once every listener is bound (to print the
// banner and "avedge: ready"). Returns the process exit code: 0 on a clean stop, 1 when the
// server could not start (the reason is logged).
int run_server(const config::Config& cfg,
               const std::function<void(const std::vector<config::Listener>&)>& on_ready);

}  // namespace avedge::net

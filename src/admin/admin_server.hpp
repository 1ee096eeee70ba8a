// The admin listener (issue 5 items 2 and 6, the metrics contract): cpp-httplib on its own
// threads. /healthz, /readyz, /metrics, /metrics.json, GET /api/v1/sessions,
// DELETE /api/v1/sessions/{id}, GET /api/v1/explain?user=. Worker state is only ever read or
// changed on the worker's own thread (net::ServerRunner posts and waits with a deadline).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "admin/drain_watch.hpp"
#include "config/config.hpp"
#include "core/address.hpp"
#include "core/clock.hpp"
#include "mras/counters.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace avedge::net {
class ServerRunner;
}

namespace avedge::admin {

struct AdminOptions {
  Endpoint listen;
  std::string token;
  // Every request must carry "Authorization: Bearer <token>". Set when bound to a non-loopback
  // address (the config then has a token) or whenever a token is configured.
  bool require_token = false;

  static AdminOptions from(const config::AdminConfig& c);
};

class AdminServer {
 public:
  // cfg: the running configuration (pool label, relay addresses and ports); mras may be null.
  AdminServer(AdminOptions opt, net::ServerRunner& runner, const config::Config& cfg,
              const mras::Counters* mras);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Binds and starts serving; throws std::runtime_error naming the address on failure.
  void start();
  void stop();
  [[nodiscard]] uint16_t port() const { return port_; }
  // "http://127.0.0.1:9090"
  [[nodiscard]] std::string url() const;
  // POST /api/v1/reload[?dry_run=1] (issue 6 item 7): returns the HTTP status and JSON body.
  using ReloadHandler = std::function<std::pair<int, std::string>(bool dry_run)>;
  void set_reload(ReloadHandler h) { reload_ = std::move(h); }

 private:
  // Routes through the pure route_admin (admin_routes.hpp), then acts.
  void serve(const httplib::Request& req, httplib::Response& res);
  void metrics(httplib::Response& res, bool json) const;
  void readyz(httplib::Response& res) const;
  void sessions(httplib::Response& res) const;
  void delete_session(uint32_t id, httplib::Response& res) const;
  void explain(const std::string& user, size_t limit, httplib::Response& res) const;
  void drain(bool on, std::optional<Seconds> deadline, httplib::Response& res);
  void reload(bool dry_run, httplib::Response& res);
  [[nodiscard]] uint64_t allocations() const;

  AdminOptions opt_;
  net::ServerRunner& runner_;
  const config::Config& cfg_;
  const mras::Counters* mras_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  uint16_t port_ = 0;
  std::atomic<bool> draining_{false};
  ReloadHandler reload_;
  DrainWatch watch_;  // last: stopped first
};

}  // namespace avedge::admin

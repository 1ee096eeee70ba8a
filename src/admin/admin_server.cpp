#include "admin/admin_server.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <span>

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include "admin/admin_routes.hpp"
#include "admin/api_json.hpp"
#include "admin/collect.hpp"
#include "admin/drain.hpp"
#include "admin/readiness.hpp"
#include "mras/http_server.hpp"
#include "net/server_runner.hpp"

namespace avedge::admin {

namespace {

constexpr auto kWorkerDeadline = std::chrono::milliseconds(2000);
constexpr auto kSelfTestTimeout = std::chrono::milliseconds(1000);
constexpr const char* kJson = "application/json";

double unix_now() {
  const auto d = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration<double>(d).count();
}

std::string pool_of(const config::Config& cfg) {
  const std::string& p = cfg.topology.this_pool.value;
  return p.empty() ? "default" : p;
}

}  // namespace

AdminOptions AdminOptions::from(const config::AdminConfig& c) {
  AdminOptions o;
  if (c.listen.value) o.listen = *c.listen.value;
  o.token = c.token.value;
  o.require_token = c.requires_token() || !c.token.value.empty();
  return o;
}

AdminServer::AdminServer(AdminOptions opt, net::ServerRunner& runner, const config::Config& cfg,
                         const mras::Counters* mras)
    : opt_(std::move(opt)),
      runner_(runner),
      cfg_(cfg),
      mras_(mras),
      watch_([this] { return allocations(); },
             [](const std::string& why) {
               // The exit of a drain (issue 6 item 6): the main thread stops cleanly (exit 0).
               spdlog::info("{{\"event\":\"server.drained\",\"reason\":\"{}\"}}", why);
               ::kill(::getpid(), SIGTERM);
             }) {}

uint64_t AdminServer::allocations() const {
  uint64_t n = 0;
  runner_.for_each_stats([&n](const turn::Stats& s, const net::NetStats&) {
    for (const auto& a : s.allocations) n += a.load(std::memory_order_relaxed);
  });
  return n;
}

AdminServer::~AdminServer() {
  stop();
}

std::string AdminServer::url() const {
  return fmt::format("http://{}", Endpoint{opt_.listen.ip, port_}.to_string());
}

void AdminServer::start() {
  http_ = std::make_unique<httplib::Server>();
  httplib::Server& s = *http_;
  s.new_task_queue = [] { return new httplib::ThreadPool(2); };
  s.set_payload_max_length(4096);
  s.set_read_timeout(5, 0);
  s.set_write_timeout(5, 0);
  // Every request goes to the pure route_admin (token, routing, parameters; admin_routes.hpp).
  // A content-reader POST: `curl -X POST` sends no Content-Length and no body is needed.
  auto serve = [this](const httplib::Request& q, httplib::Response& r) { this->serve(q, r); };
  s.Get(".*", serve);
  s.Delete(".*", serve);
  s.Post(".*", [this](const httplib::Request& q, httplib::Response& r,
                      const httplib::ContentReader&) { this->serve(q, r); });
  s.set_error_handler([](const httplib::Request&, httplib::Response& r) {
    if (r.body.empty()) r.set_content(error_json(fmt::format("HTTP {}", r.status)), kJson);
  });

  try {
    port_ = mras::start_http(s, opt_.listen, "admin API", thread_);
  } catch (const std::exception&) {
    http_.reset();
    throw;
  }
}

void AdminServer::stop() {
  watch_.cancel();
  if (http_) http_->stop();
  if (thread_.joinable()) thread_.join();
  http_.reset();
}

void AdminServer::serve(const httplib::Request& req, httplib::Response& res) {
  using Kind = AdminAction::Kind;
  const AdminAction a = route_admin(opt_, mras::to_http_request(req));
  switch (a.kind) {
    case Kind::Answer:
      mras::apply_answer(a.answer, res);
      return;
    case Kind::Readyz:
      return readyz(res);
    case Kind::Metrics:
      return metrics(res, false);
    case Kind::MetricsJson:
      return metrics(res, true);
    case Kind::Sessions:
      return sessions(res);
    case Kind::DeleteSession:
      return delete_session(a.session_id, res);
    case Kind::Explain:
      return explain(a.user, a.limit, res);
    case Kind::Drain:
      return drain(true, a.deadline, res);
    case Kind::Undrain:
      return drain(false, std::nullopt, res);
    case Kind::Reload:
      return reload(a.dry_run, res);
  }
}

void AdminServer::metrics(httplib::Response& res, bool json) const {
  Sources src;
  src.each_worker = [this](const WorkerVisitor& v) { runner_.for_each_stats(v); };
  src.mras = mras_;
  src.pool = pool_of(cfg_);
  const auto& range = cfg_.relay_ports.value;
  src.relay_ports_total =
      (uint64_t{range.last} - range.first + 1) * static_cast<uint64_t>(cfg_.relay_ips.size());
  src.workers = static_cast<unsigned>(runner_.worker_count());
  src.connections = runner_.connection_limits();
  src.fast_path = runner_.fast_path();
  const MetricSet m = collect(src);
  if (json) {
    res.set_content(render_json(m, unix_now()), kJson);
  } else {
    res.set_content(render_prometheus(m), "text/plain; version=0.0.4; charset=utf-8");
  }
}

void AdminServer::drain(bool on, std::optional<Seconds> deadline, httplib::Response& res) {
  std::optional<turn::DrainTarget> target;
  if (on) target = drain_target(cfg_, runner_.listeners());
  if (!runner_.set_drain(target, kWorkerDeadline)) {
    res.status = 503;
    res.set_content(error_json("a worker did not answer in time"), kJson);
    return;
  }
  draining_ = on;
  if (deadline) {
    watch_.start(std::chrono::duration_cast<std::chrono::seconds>(*deadline));
  } else {
    watch_.cancel();
  }
  const std::string alt = target && target->udp ? "\"" + target->udp->to_string() + "\"" : "null";
  spdlog::info("{{\"event\":\"admin.drain\",\"draining\":{},\"alternate\":{}}}", on, alt);
  res.set_content(fmt::format("{{\"draining\":{},\"alternate\":{},\"allocations\":{},"
                              "\"exit_after_seconds\":{}}}",
                              on, alt, allocations(), deadline ? deadline->count() : 0),
                  kJson);
}

void AdminServer::reload(bool dry_run, httplib::Response& res) {
  if (!reload_) {
    res.status = 404;
    res.set_content(error_json("this edge has no configuration to reload"), kJson);
    return;
  }
  auto [status, body] = reload_(dry_run);
  res.status = status;
  res.set_content(body, kJson);
}

void AdminServer::readyz(httplib::Response& res) const {
  if (draining_) {
    // Load balancers stop sending new clients; existing allocations keep relaying.
    res.status = 503;
    res.set_content("not ready: draining\n", "text/plain");
    return;
  }
  std::vector<IpAddress> relays;
  for (const auto& r : cfg_.relay_ips) relays.push_back(r.value);
  const std::string problem = readiness_problem(runner_.listeners(), relays, kSelfTestTimeout);
  if (problem.empty()) {
    res.set_content("ready\n", "text/plain");
    return;
  }
  res.status = 503;
  res.set_content("not ready: " + problem + "\n", "text/plain");
}

void AdminServer::sessions(httplib::Response& res) const {
  auto all = runner_.sessions(kWorkerDeadline);
  if (!all) {
    res.status = 503;
    res.set_content(error_json("a worker did not answer in time"), kJson);
    return;
  }
  res.set_content(sessions_json(*all, pool_of(cfg_)), kJson);
}

void AdminServer::delete_session(uint32_t id, httplib::Response& res) const {
  const auto done = runner_.delete_session(id, kWorkerDeadline);
  if (!done) {
    res.status = 503;
    res.set_content(error_json("the worker did not answer in time"), kJson);
  } else if (!*done) {
    res.status = 404;
    res.set_content(error_json(fmt::format("no session {}", id)), kJson);
  } else {
    spdlog::info("{{\"event\":\"admin.session_deleted\",\"id\":{}}}", id);
    res.set_content(fmt::format("{{\"deleted\":{}}}", id), kJson);
  }
}

void AdminServer::explain(const std::string& user, size_t limit, httplib::Response& res) const {
  auto d = runner_.decisions(user, limit, kWorkerDeadline);
  if (!d) {
    res.status = 503;
    res.set_content(error_json("a worker did not answer in time"), kJson);
    return;
  }
  res.set_content(decisions_json(user, *d), kJson);
}

}  // namespace avedge::admin

#include "admin/admin_server.hpp"

#include <charconv>
#include <chrono>
#include <span>

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include "admin/api_json.hpp"
#include "admin/collect.hpp"
#include "admin/drain.hpp"
#include "admin/readiness.hpp"
#include "core/crypto.hpp"
#include "net/server_runner.hpp"

namespace avedge::admin {

namespace {

constexpr auto kWorkerDeadline = std::chrono::milliseconds(2000);
constexpr auto kSelfTestTimeout = std::chrono::milliseconds(1000);
constexpr size_t kExplainDefault = 50;
constexpr size_t kExplainMax = 500;
constexpr const char* kJson = "application/json";

double unix_now() {
  const auto d = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration<double>(d).count();
}

std::span<const uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
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
    : opt_(std::move(opt)), runner_(runner), cfg_(cfg), mras_(mras) {}

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
  // The token guards every path, /healthz included (the metrics contract).
  s.set_pre_routing_handler([this](const httplib::Request& q, httplib::Response& r) {
    return authorized(q, r) ? httplib::Server::HandlerResponse::Unhandled
                            : httplib::Server::HandlerResponse::Handled;
  });
  s.Get("/healthz",
        [](const httplib::Request&, httplib::Response& r) { r.set_content("ok\n", "text/plain"); });
  s.Get("/readyz", [this](const httplib::Request&, httplib::Response& r) { readyz(r); });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& r) { metrics(r, false); });
  s.Get("/metrics.json",
        [this](const httplib::Request&, httplib::Response& r) { metrics(r, true); });
  s.Get("/api/v1/sessions", [this](const httplib::Request&, httplib::Response& r) { sessions(r); });
  s.Delete(R"(/api/v1/sessions/(\d+))",
           [this](const httplib::Request& q, httplib::Response& r) { delete_session(q, r); });
  s.Get("/api/v1/explain",
        [this](const httplib::Request& q, httplib::Response& r) { explain(q, r); });
  // A content-reader handler: `curl -X POST` sends no Content-Length and no body is needed.
  s.Post("/api/v1/drain", [this](const httplib::Request&, httplib::Response& r,
                                 const httplib::ContentReader&) { drain(true, r); });
  s.Delete("/api/v1/drain",
           [this](const httplib::Request&, httplib::Response& r) { drain(false, r); });
  s.set_error_handler([](const httplib::Request&, httplib::Response& r) {
    if (r.body.empty()) r.set_content(error_json(fmt::format("HTTP {}", r.status)), kJson);
  });

  const std::string host = opt_.listen.ip.to_string();
  int port = 0;
  if (opt_.listen.port == 0) {
    port = s.bind_to_any_port(host);
  } else {
    port = s.bind_to_port(host, opt_.listen.port) ? opt_.listen.port : -1;
  }
  if (port <= 0) {
    http_.reset();
    throw std::runtime_error("admin API cannot bind " + opt_.listen.to_string());
  }
  port_ = static_cast<uint16_t>(port);
  thread_ = std::thread([&s] { s.listen_after_bind(); });
  // stop() only ends a server that is running: wait for it, so a quick stop cannot hang.
  for (int i = 0; i < 2000 && !s.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void AdminServer::stop() {
  if (http_) http_->stop();
  if (thread_.joinable()) thread_.join();
  http_.reset();
}

bool AdminServer::authorized(const httplib::Request& req, httplib::Response& res) const {
  if (!opt_.require_token) return true;
  const std::string expected = "Bearer " + opt_.token;
  const std::string got = req.get_header_value("Authorization");
  // Constant time: the comparison must not tell how much of a guess was right.
  if (!opt_.token.empty() && crypto::equal_ct(bytes_of(got), bytes_of(expected))) return true;
  res.status = 401;
  res.set_header("WWW-Authenticate", "Bearer realm=\"avedge admin\"");
  res.set_content(error_json("missing or wrong bearer token"), kJson);
  return false;
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
  const MetricSet m = collect(src);
  if (json) {
    res.set_content(render_json(m, unix_now()), kJson);
  } else {
    res.set_content(render_prometheus(m), "text/plain; version=0.0.4; charset=utf-8");
  }
}

void AdminServer::drain(bool on, httplib::Response& res) {
  std::optional<turn::DrainTarget> target;
  if (on) target = drain_target(cfg_, runner_.listeners());
  if (!runner_.set_drain(target, kWorkerDeadline)) {
    res.status = 503;
    res.set_content(error_json("a worker did not answer in time"), kJson);
    return;
  }
  draining_ = on;
  const std::string alt = target && target->udp ? "\"" + target->udp->to_string() + "\"" : "null";
  spdlog::info("{{\"event\":\"admin.drain\",\"draining\":{},\"alternate\":{}}}", on, alt);
  res.set_content(fmt::format("{{\"draining\":{},\"alternate\":{}}}", on, alt), kJson);
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

void AdminServer::delete_session(const httplib::Request& req, httplib::Response& res) const {
  const std::string& text = req.matches[1].str();
  uint32_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) {
    res.status = 400;
    res.set_content(error_json("session id: a number from GET /api/v1/sessions"), kJson);
    return;
  }
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

void AdminServer::explain(const httplib::Request& req, httplib::Response& res) const {
  const std::string user = req.get_param_value("user");
  if (user.empty()) {
    res.status = 400;
    res.set_content(error_json("user: required, e.g. /api/v1/explain?user=alice"), kJson);
    return;
  }
  size_t limit = kExplainDefault;
  if (req.has_param("limit")) {
    const std::string l = req.get_param_value("limit");
    size_t n = 0;
    const auto [end, ec] = std::from_chars(l.data(), l.data() + l.size(), n);
    if (ec != std::errc() || end != l.data() + l.size() || n == 0 || n > kExplainMax) {
      res.status = 400;
      res.set_content(error_json(fmt::format("limit: 1 to {}", kExplainMax)), kJson);
      return;
    }
    limit = n;
  }
  auto d = runner_.decisions(user, limit, kWorkerDeadline);
  if (!d) {
    res.status = 503;
    res.set_content(error_json("a worker did not answer in time"), kJson);
    return;
  }
  res.set_content(decisions_json(user, *d), kJson);
}

}  // namespace avedge::admin

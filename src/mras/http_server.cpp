#include "mras/http_server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>

#include "core/port_probe.hpp"

namespace avedge::mras {

namespace {

UnixSeconds unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

HttpRequest to_http_request(const httplib::Request& q) {
  HttpRequest r;
  r.method = q.method;
  r.path = q.path;
  for (const auto& [k, v] : q.params) r.query.emplace_back(k, v);
  for (const auto& [k, v] : q.headers) r.headers.emplace_back(k, v);
  r.body = q.body;
  return r;
}

void apply_answer(const HttpAnswer& a, httplib::Response& res) {
  res.status = a.status;
  for (const auto& [k, v] : a.headers) res.set_header(k, v);
  res.set_content(a.body, a.content_type);
}

HttpServer::HttpServer(const CredentialService& svc, Counters& counters)
    : svc_(svc), counters_(counters) {}

uint16_t start_http(httplib::Server& s, const Endpoint& at, const std::string& what,
                    std::thread& thread) {
  if (port_taken(at, false)) {
    throw std::runtime_error(what + " cannot bind " + at.to_string() + ": " +
                             port_taken_message(at, false));
  }
  const std::string host = at.ip.to_string();
  const int port =
      at.port == 0 ? s.bind_to_any_port(host) : (s.bind_to_port(host, at.port) ? at.port : -1);
  if (port <= 0) throw std::runtime_error(what + " cannot bind " + at.to_string());
  thread = std::thread([&s] { s.listen_after_bind(); });
  for (int i = 0; i < 2000 && !s.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return static_cast<uint16_t>(port);
}

HttpServer::~HttpServer() {
  stop();
}

uint16_t HttpServer::start(const Endpoint& at) {
  server_ = std::make_unique<httplib::Server>();
  httplib::Server& s = *server_;
  s.new_task_queue = [] { return new httplib::ThreadPool(2); };
  s.set_payload_max_length(kMaxBody);
  s.set_read_timeout(10, 0);
  s.set_write_timeout(10, 0);
  s.set_keep_alive_max_count(20);
  auto serve = [this](const httplib::Request& q, httplib::Response& r) { this->serve(q, r); };
  s.Post("/mras", serve);
  s.Post("/api/v1/mras", serve);
  s.Get("/api/v1/turn-credentials", serve);
  const uint16_t port = start_http(s, at, "MRAS HTTP", thread_);
  spdlog::info("MRAS HTTP listening on http://{}:{}", at.ip.to_string(), port);
  return port;
}

void HttpServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

void HttpServer::serve(const httplib::Request& req, httplib::Response& res) const {
  apply_answer(handle_mras_http(svc_, counters_, to_http_request(req), unix_now()), res);
}

}  // namespace avedge::mras

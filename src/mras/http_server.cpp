#include "mras/http_server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace avedge::mras {

namespace {

UnixSeconds unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const char* error_word(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 403:
      return "forbidden";
    case 415:
      return "unsupported_media_type";
    default:
      return "internal";
  }
}

void json_error(httplib::Response& res, int status, unsigned code, const std::string& reason) {
  nlohmann::json j{{"error", error_word(status)}, {"code", code}, {"reason", reason}};
  res.status = status;
  res.set_content(j.dump(), "application/json");
}

Requester requester_of(const httplib::Request& req) {
  Requester who;
  who.channel = Channel::Http;
  who.api_key =
      api_key_of(req.get_header_value("Authorization"), req.get_header_value("X-Api-Key"));
  return who;
}

bool xml_type(std::string_view ct) {
  const size_t semi = ct.find(';');
  if (semi != std::string_view::npos) ct = ct.substr(0, semi);
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  return ct == kContentType || ct == "application/xml" || ct == "text/xml";
}

}  // namespace

std::string api_key_of(std::string_view authorization, std::string_view x_api_key) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() > kBearer.size() &&
      (authorization.substr(0, kBearer.size()) == kBearer ||
       authorization.substr(0, kBearer.size()) == "bearer ")) {
    std::string_view k = authorization.substr(kBearer.size());
    while (!k.empty() && k.front() == ' ') k.remove_prefix(1);
    while (!k.empty() && k.back() == ' ') k.remove_suffix(1);
    return std::string(k);
  }
  return std::string(x_api_key);
}

HttpServer::HttpServer(const CredentialService& svc, Counters& counters)
    : svc_(svc), counters_(counters) {}

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
  s.Post("/mras", [this](const httplib::Request& q, httplib::Response& r) { post_xml(q, r); });
  s.Post("/api/v1/mras",
         [this](const httplib::Request& q, httplib::Response& r) { post_xml(q, r); });
  s.Get("/api/v1/turn-credentials",
        [this](const httplib::Request& q, httplib::Response& r) { get_turn(q, r); });
  const std::string host = at.ip.to_string();
  int port = 0;
  if (at.port == 0) {
    port = s.bind_to_any_port(host);
  } else {
    port = s.bind_to_port(host, at.port) ? at.port : -1;
  }
  if (port <= 0) {
    throw std::runtime_error("MRAS HTTP cannot bind " + at.to_string());
  }
  thread_ = std::thread([&s] { s.listen_after_bind(); });
  spdlog::info("MRAS HTTP listening on http://{}:{}", host, port);
  return static_cast<uint16_t>(port);
}

void HttpServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

void HttpServer::post_xml(const httplib::Request& req, httplib::Response& res) const {
  counters_.http_requests.fetch_add(1, std::memory_order_relaxed);
  if (!xml_type(req.get_header_value("Content-Type"))) {
    counters_.refuse(Diag::UnsupportedContentType);
    res.set_header("Accept", std::string(kContentType));
    json_error(res, 415, code_of(Diag::UnsupportedContentType),
               std::string(info(Diag::UnsupportedContentType).cause));
    return;
  }
  const XmlOutcome o = svc_.handle_xml(req.body, requester_of(req), unix_now());
  res.status = o.status;
  if (o.diag) res.set_header("ms-diagnostics", svc_.ms_diagnostics(*o.diag, o.reason));
  res.set_content(o.body, std::string(kContentType));
}

void HttpServer::get_turn(const httplib::Request& req, httplib::Response& res) const {
  counters_.http_requests.fetch_add(1, std::memory_order_relaxed);
  std::optional<int64_t> ttl;
  if (req.has_param("ttl")) {
    const std::string t = req.get_param_value("ttl");
    int64_t v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || p != t.data() + t.size() || v <= 0) {
      counters_.refuse(Diag::RequestMalformed);
      json_error(res, 400, code_of(Diag::RequestMalformed),
                 "ttl must be a positive number of seconds");
      return;
    }
    ttl = v;
  }
  const RestOutcome o =
      svc_.turn_rest(req.get_param_value("user"), ttl, requester_of(req), unix_now());
  if (o.diag) {
    json_error(res, o.status, code_of(*o.diag), o.reason);
    return;
  }
  nlohmann::json j{
      {"username", o.username}, {"password", o.password}, {"ttl", o.ttl}, {"uris", o.uris}};
  res.status = 200;
  res.set_header("Cache-Control", "no-store");
  res.set_content(j.dump(), "application/json");
}

}  // namespace avedge::mras

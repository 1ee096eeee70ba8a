#include "mras/http_handler.hpp"

#include <strings.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>

namespace avedge::mras {

namespace {

const char* error_word(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 415:
      return "unsupported_media_type";
    default:
      return "internal";
  }
}

HttpAnswer json_error(int status, unsigned code, const std::string& reason) {
  // nlohmann::json::dump throws on invalid UTF-8: replace it (the reason may quote input).
  nlohmann::json j{{"error", error_word(status)}, {"code", code}, {"reason", reason}};
  return {status,
          "application/json",
          j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
          {}};
}

Requester requester_of(const HttpRequest& req) {
  Requester who;
  who.channel = Channel::Http;
  who.api_key = api_key_of(req.header("Authorization"), req.header("X-Api-Key"));
  return who;
}

bool xml_type(std::string_view ct) {
  const size_t semi = ct.find(';');
  if (semi != std::string_view::npos) ct = ct.substr(0, semi);
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  return ct == kContentType || ct == "application/xml" || ct == "text/xml";
}

HttpAnswer post_xml(const CredentialService& svc, Counters& counters, const HttpRequest& req,
                    UnixSeconds now) {
  if (!xml_type(req.header("Content-Type"))) {
    counters.refuse(Diag::UnsupportedContentType);
    HttpAnswer a = json_error(415, code_of(Diag::UnsupportedContentType),
                              std::string(info(Diag::UnsupportedContentType).cause));
    a.headers.emplace_back("Accept", std::string(kContentType));
    return a;
  }
  const XmlOutcome o = svc.handle_xml(req.body, requester_of(req), now);
  HttpAnswer a{o.status, std::string(kContentType), o.body, {}};
  if (o.diag) a.headers.emplace_back("ms-diagnostics", svc.ms_diagnostics(*o.diag, o.reason));
  return a;
}

HttpAnswer get_turn(const CredentialService& svc, Counters& counters, const HttpRequest& req,
                    UnixSeconds now) {
  std::optional<int64_t> ttl;
  if (req.has_param("ttl")) {
    const std::string t = req.param("ttl");
    int64_t v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || p != t.data() + t.size() || v <= 0) {
      counters.refuse(Diag::RequestMalformed);
      return json_error(400, code_of(Diag::RequestMalformed),
                        "ttl must be a positive number of seconds");
    }
    ttl = v;
  }
  const RestOutcome o = svc.turn_rest(req.param("user"), ttl, requester_of(req), now);
  if (o.diag) return json_error(o.status, code_of(*o.diag), o.reason);
  nlohmann::json j{
      {"username", o.username}, {"password", o.password}, {"ttl", o.ttl}, {"uris", o.uris}};
  HttpAnswer a{200,
               "application/json",
               j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
               {}};
  a.headers.emplace_back("Cache-Control", "no-store");
  return a;
}

}  // namespace

bool HttpRequest::has_param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return true;
  }
  return false;
}

std::string HttpRequest::param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return {};
}

std::string HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    // Header names are case-insensitive (RFC 9110 §5.1).
    if (k.size() == name.size() && ::strncasecmp(k.c_str(), name.data(), name.size()) == 0)
      return v;
  }
  return {};
}

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

HttpAnswer handle_mras_http(const CredentialService& svc, Counters& counters,
                            const HttpRequest& req, UnixSeconds now) {
  const bool xml_path = req.path == "/mras" || req.path == "/api/v1/mras";
  const bool rest_path = req.path == "/api/v1/turn-credentials";
  if (!xml_path && !rest_path) return json_error(404, 0, "no such path");
  if (xml_path ? req.method != "POST" : req.method != "GET") {
    HttpAnswer a = json_error(405, 0, "method not allowed");
    a.headers.emplace_back("Allow", xml_path ? "POST" : "GET");
    return a;
  }
  counters.http_requests.fetch_add(1, std::memory_order_relaxed);
  return xml_path ? post_xml(svc, counters, req, now) : get_turn(svc, counters, req, now);
}

}  // namespace avedge::mras

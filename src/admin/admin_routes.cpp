#include "admin/admin_routes.hpp"

#include <charconv>
#include <span>

#include <fmt/format.h>

#include "admin/api_json.hpp"
#include "config/durations.hpp"
#include "core/crypto.hpp"

namespace avedge::admin {

namespace {

using Kind = AdminAction::Kind;
constexpr size_t kExplainDefault = 50;
constexpr size_t kExplainMax = 500;
constexpr const char* kJson = "application/json";

AdminAction answer(int status, std::string body, const char* type = kJson) {
  AdminAction a;
  a.answer = {status, type, std::move(body), {}};
  return a;
}

AdminAction error(int status, std::string_view message) {
  return answer(status, error_json(message));
}

AdminAction act(Kind k) {
  AdminAction a;
  a.kind = k;
  return a;
}

std::span<const uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A whole unsigned decimal number, or nullopt.
template <typename T>
std::optional<T> number(std::string_view text) {
  T n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

AdminAction explain(const mras::HttpRequest& req) {
  AdminAction a = act(Kind::Explain);
  a.user = req.param("user");
  if (a.user.empty()) return error(400, "user: required, e.g. /api/v1/explain?user=alice");
  a.limit = kExplainDefault;
  if (req.has_param("limit")) {
    const auto n = number<size_t>(req.param("limit"));
    if (!n || *n == 0 || *n > kExplainMax)
      return error(400, fmt::format("limit: 1 to {}", kExplainMax));
    a.limit = *n;
  }
  return a;
}

AdminAction drain(const mras::HttpRequest& req) {
  // ?deadline=10m: exit when the last allocation ends or at the deadline (`avedge drain`).
  AdminAction a = act(Kind::Drain);
  if (req.has_param("deadline")) {
    const auto d = config::parse_duration(req.param("deadline"));
    if (!d.ok() || d.value->count() <= 0) {
      return error(400, "deadline: a duration such as 600, 90s, 10m or 1h");
    }
    a.deadline = *d.value;
  }
  return a;
}

AdminAction route(const mras::HttpRequest& req) {
  const std::string& m = req.method;
  const std::string& p = req.path;
  constexpr std::string_view kSession = "/api/v1/sessions/";
  if (p.starts_with(kSession) && p.size() > kSession.size()) {
    if (m != "DELETE") return error(405, "method not allowed: DELETE");
    const auto id = number<uint32_t>(std::string_view(p).substr(kSession.size()));
    if (!id) return error(400, "session id: a number from GET /api/v1/sessions");
    AdminAction a = act(Kind::DeleteSession);
    a.session_id = *id;
    return a;
  }
  if (m == "GET") {
    if (p == "/healthz") return answer(200, "ok\n", "text/plain");
    if (p == "/readyz") return act(Kind::Readyz);
    if (p == "/metrics") return act(Kind::Metrics);
    if (p == "/metrics.json") return act(Kind::MetricsJson);
    if (p == "/api/v1/sessions") return act(Kind::Sessions);
    if (p == "/api/v1/explain") return explain(req);
  } else if (m == "POST") {
    if (p == "/api/v1/drain") return drain(req);
    if (p == "/api/v1/reload") {
      AdminAction a = act(Kind::Reload);
      const std::string d = req.param("dry_run");
      a.dry_run = d == "1" || d == "true";
      return a;
    }
  } else if (m == "DELETE" && p == "/api/v1/drain") {
    return act(Kind::Undrain);
  }
  for (const char* known : {"/healthz", "/readyz", "/metrics", "/metrics.json", "/api/v1/sessions",
                            "/api/v1/explain", "/api/v1/drain", "/api/v1/reload"}) {
    if (p == known) return error(405, "method not allowed");
  }
  return error(404, "HTTP 404");
}

}  // namespace

AdminAction route_admin(const AdminOptions& opt, const mras::HttpRequest& req) {
  if (opt.require_token) {
    // The token guards every path, /healthz included (the metrics contract); compared in
    // constant time: the comparison must not tell how much of a guess was right.
    const std::string expected = "Bearer " + opt.token;
    const std::string got = req.header("Authorization");
    if (opt.token.empty() || !crypto::equal_ct(bytes_of(got), bytes_of(expected))) {
      AdminAction a = error(401, "missing or wrong bearer token");
      a.answer.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"avedge admin\"");
      return a;
    }
  }
  return route(req);
}

}  // namespace avedge::admin

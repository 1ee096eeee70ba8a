#include "perf/admin_client.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include "core/address.hpp"

namespace avedge::perf {

std::string AdminTarget::display() const {
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port)
                                             : fmt::format("{}:{}", host, port);
}

std::optional<AdminTarget> parse_admin_target(std::string_view text, std::string& error) {
  const auto ep = Endpoint::parse(text);
  if (!ep || ep->port == 0) {
    error = fmt::format("--admin '{}': write IP:PORT, e.g. 127.0.0.1:9090 or [::1]:9090", text);
    return std::nullopt;
  }
  AdminTarget t;
  t.host = ep->ip.to_string();
  t.port = ep->port;
  return t;
}

std::string cannot_reach(const AdminTarget& target, const std::string& why) {
  return fmt::format(
      "cannot reach the admin API at {}: {} (is `avedge serve` running with its admin listener "
      "there? see [admin] listen)",
      target.display(), why.empty() ? std::string("connection refused or unreachable") : why);
}

FetchResult fetch_snapshot(const AdminTarget& target) {
  httplib::Client cli(target.host, target.port);
  cli.set_connection_timeout(2, 0);
  cli.set_read_timeout(5, 0);
  httplib::Headers headers;
  if (!target.token.empty()) headers.emplace("Authorization", "Bearer " + target.token);
  const auto res = cli.Get("/metrics.json", headers);
  if (!res) {
    return {std::nullopt, cannot_reach(target, res.error() == httplib::Error::Connection
                                                   ? std::string()
                                                   : httplib::to_string(res.error()))};
  }
  if (res->status == 401 || res->status == 403) {
    return {std::nullopt, fmt::format("the admin API at {} answered HTTP {}: {} ([admin] token)",
                                      target.display(), res->status,
                                      target.token.empty() ? "it needs a token, pass --token"
                                                           : "the token is not accepted")};
  }
  if (res->status != 200) {
    return {std::nullopt, fmt::format("the admin API at {} answered HTTP {} to /metrics.json",
                                      target.display(), res->status)};
  }
  auto parsed = parse_metrics_json(res->body);
  if (!parsed.snapshot) {
    return {std::nullopt, fmt::format("/metrics.json from {}: {}", target.display(), parsed.error)};
  }
  return {std::move(parsed.snapshot), {}};
}

}  // namespace avedge::perf

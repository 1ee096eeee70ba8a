#include "cli/admin_args.hpp"

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>
#include <httplib.h>

namespace avedge::cli {

void add_admin_options(CLI::App* app, AdminArgs& a) {
  app->add_option("--admin", a.admin, "Admin API address IP:PORT ([admin] listen)")
      ->capture_default_str();
  app->add_option("--token", a.token,
                  "Bearer token of the admin API ([admin] token); or AVEDGE_ADMIN_TOKEN");
}

std::optional<perf::AdminTarget> admin_target(const AdminArgs& a) {
  std::string error;
  auto t = perf::parse_admin_target(a.admin, error);
  if (!t) {
    fmt::print(stderr, "avedge: {}\n", error);
    return std::nullopt;
  }
  t->token = a.token;
  if (t->token.empty()) {
    if (const char* env = std::getenv("AVEDGE_ADMIN_TOKEN")) t->token = env;
  }
  return t;
}

AdminAnswer admin_post(const perf::AdminTarget& t, const std::string& path, bool del) {
  httplib::Client cli(t.host, t.port);
  cli.set_connection_timeout(2, 0);
  cli.set_read_timeout(10, 0);
  httplib::Headers headers;
  if (!t.token.empty()) headers.emplace("Authorization", "Bearer " + t.token);
  const auto res = del ? cli.Delete(path, headers) : cli.Post(path, headers, "", "text/plain");
  if (!res) {
    return {0,
            {},
            perf::cannot_reach(t, res.error() == httplib::Error::Connection
                                      ? std::string()
                                      : httplib::to_string(res.error()))};
  }
  return {res->status, res->body, {}};
}

}  // namespace avedge::cli

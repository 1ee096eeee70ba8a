// The admin API's pure router: token, routes and parameters (the HTTP tests in
// admin_server_test.cpp go through cpp-httplib and a running edge).
#include "admin/admin_routes.hpp"

#include <gtest/gtest.h>

namespace avedge::admin {
namespace {

using Kind = AdminAction::Kind;

mras::HttpRequest req(std::string method, std::string path,
                      std::vector<std::pair<std::string, std::string>> query = {},
                      std::string auth = "Bearer a-long-admin-token-1234") {
  mras::HttpRequest r{std::move(method), std::move(path), std::move(query), {}, ""};
  if (!auth.empty()) r.headers.emplace_back("authorization", std::move(auth));
  return r;
}

AdminOptions with_token() {
  AdminOptions o;
  o.token = "a-long-admin-token-1234";
  o.require_token = true;
  return o;
}

TEST(AdminRoutes, EveryPathNeedsTheExactToken) {
  const AdminOptions o = with_token();
  for (const char* bad : {"", "Bearer wrong", "Bearer a-long-admin-token-123",
                          "bearer a-long-admin-token-1234", "a-long-admin-token-1234"}) {
    const AdminAction a = route_admin(o, req("GET", "/healthz", {}, bad));
    EXPECT_EQ(a.kind, Kind::Answer) << bad;
    EXPECT_EQ(a.answer.status, 401) << bad;
    ASSERT_FALSE(a.answer.headers.empty());
    EXPECT_EQ(a.answer.headers[0].first, "WWW-Authenticate");
  }
  EXPECT_EQ(route_admin(o, req("GET", "/healthz")).answer.status, 200);
  EXPECT_EQ(route_admin(o, req("GET", "/metrics")).kind, Kind::Metrics);
  // Without a token configured on loopback, no header is needed.
  EXPECT_EQ(route_admin(AdminOptions{}, req("GET", "/metrics.json", {}, "")).kind,
            Kind::MetricsJson);
}

TEST(AdminRoutes, RoutesAndParameters) {
  const AdminOptions o = with_token();
  const AdminAction del = route_admin(o, req("DELETE", "/api/v1/sessions/16777217"));
  EXPECT_EQ(del.kind, Kind::DeleteSession);
  EXPECT_EQ(del.session_id, 16777217U);
  EXPECT_EQ(route_admin(o, req("DELETE", "/api/v1/sessions/12x")).answer.status, 400);
  EXPECT_EQ(route_admin(o, req("DELETE", "/api/v1/sessions/99999999999")).answer.status, 400);
  EXPECT_EQ(route_admin(o, req("GET", "/api/v1/sessions/1")).answer.status, 405);

  const AdminAction ex = route_admin(o, req("GET", "/api/v1/explain", {{"user", "alice"}}));
  EXPECT_EQ(ex.kind, Kind::Explain);
  EXPECT_EQ(ex.user, "alice");
  EXPECT_EQ(ex.limit, 50U);
  EXPECT_EQ(route_admin(o, req("GET", "/api/v1/explain", {{"user", "a"}, {"limit", "500"}})).limit,
            500U);
  EXPECT_EQ(route_admin(o, req("GET", "/api/v1/explain", {{"user", "a"}, {"limit", "501"}}))
                .answer.status,
            400);
  EXPECT_EQ(route_admin(o, req("GET", "/api/v1/explain")).answer.status, 400);

  const AdminAction dr = route_admin(o, req("POST", "/api/v1/drain", {{"deadline", "10m"}}));
  EXPECT_EQ(dr.kind, Kind::Drain);
  ASSERT_TRUE(dr.deadline.has_value());
  EXPECT_EQ(*dr.deadline, Seconds{600});
  EXPECT_FALSE(route_admin(o, req("POST", "/api/v1/drain")).deadline.has_value());
  EXPECT_EQ(route_admin(o, req("POST", "/api/v1/drain", {{"deadline", "0"}})).answer.status, 400);
  EXPECT_EQ(route_admin(o, req("DELETE", "/api/v1/drain")).kind, Kind::Undrain);
  EXPECT_TRUE(route_admin(o, req("POST", "/api/v1/reload", {{"dry_run", "1"}})).dry_run);
  EXPECT_FALSE(route_admin(o, req("POST", "/api/v1/reload")).dry_run);

  EXPECT_EQ(route_admin(o, req("POST", "/metrics")).answer.status, 405);
  EXPECT_EQ(route_admin(o, req("GET", "/nope")).answer.status, 404);
  EXPECT_EQ(route_admin(o, req("GET", "/nope")).answer.content_type, "application/json");
}

}  // namespace
}  // namespace avedge::admin

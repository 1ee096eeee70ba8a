// The pure MRAS HTTP handler (the function cpp-httplib and the fuzz target call).
#include "mras/http_handler.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mras_test_support.hpp"

namespace avedge::mras {
namespace {

constexpr UnixSeconds kNow = 1'700'000'000;

struct Fixture {
  Counters counters;
  CredentialService svc{test::two_pools(), "avedge.local", counters};
  HttpAnswer run(HttpRequest r) { return handle_mras_http(svc, counters, r, kNow); }
};

HttpRequest get(std::string user, std::string key, std::string ttl = "") {
  HttpRequest r{"GET", "/api/v1/turn-credentials", {{"user", std::move(user)}}, {}, ""};
  if (!ttl.empty()) r.query.emplace_back("ttl", std::move(ttl));
  if (!key.empty()) r.headers.emplace_back("authorization", "Bearer " + key);
  return r;
}

TEST(MrasHttpHandler, TurnCredentialsWithABearerKeyInAnyHeaderCase) {
  Fixture f;
  const HttpAnswer a = f.run(get("sip:alice@contoso.com", "key-pool01", "600"));
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.content_type, "application/json");
  const auto j = nlohmann::json::parse(a.body);
  EXPECT_EQ(j["ttl"], 600);
  EXPECT_FALSE(j["password"].get<std::string>().empty());
  ASSERT_EQ(a.headers.size(), 1U);
  EXPECT_EQ(a.headers[0].first, "Cache-Control");
  EXPECT_EQ(f.counters.http_requests.load(), 1U);
}

TEST(MrasHttpHandler, RefusalsHaveTheirStatusAndJsonReason) {
  Fixture f;
  EXPECT_EQ(f.run(get("alice@contoso.com", "nope")).status, 403);
  EXPECT_EQ(f.run(get("alice@contoso.com", "key-pool01", "-5")).status, 400);
  EXPECT_EQ(f.run(get("alice@contoso.com", "key-pool01", "12x")).status, 400);
  EXPECT_EQ(f.run(HttpRequest{"GET", "/nope", {}, {}, ""}).status, 404);
  const HttpAnswer m = f.run(HttpRequest{"GET", "/mras", {}, {}, ""});
  EXPECT_EQ(m.status, 405);
  ASSERT_FALSE(m.headers.empty());
  EXPECT_EQ(m.headers[0].second, "POST");
  const HttpAnswer t =
      f.run(HttpRequest{"POST", "/mras", {}, {{"Content-Type", "text/plain"}}, "x"});
  EXPECT_EQ(t.status, 415);
  EXPECT_EQ(nlohmann::json::parse(t.body)["error"], "unsupported_media_type");
  // 404 and 405 are not MRAS requests: not counted.
  EXPECT_EQ(f.counters.http_requests.load(), 4U);
}

TEST(MrasHttpHandler, XmlRequestGetsCredentials) {
  Fixture f;
  HttpRequest r{
      "POST",
      "/api/v1/mras",
      {},
      {{"X-Api-Key", "key-pool01"}, {"content-type", "application/msrtc-media-relay-auth+xml"}},
      test::sipe_request()};
  const HttpAnswer a = f.run(r);
  EXPECT_EQ(a.status, 200) << a.body;
  EXPECT_NE(a.body.find("<credentialsResponse"), std::string::npos) << a.body;
}

TEST(MrasHttpHandler, BytesThatAreNotUtf8NeverThrow) {
  Fixture f;
  const HttpAnswer a = f.run(get(std::string("\xff\xfe\x80", 3), "key-pool01"));
  EXPECT_GE(a.status, 400);
  EXPECT_TRUE(nlohmann::json::accept(a.body)) << a.body;
}

}  // namespace
}  // namespace avedge::mras

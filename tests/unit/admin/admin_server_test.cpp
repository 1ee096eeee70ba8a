// The admin API against real workers on loopback: health, readiness, metrics under a real
// allocation, the sessions list and DELETE through the owning worker, explain, and the bearer
// token rule.
#include "admin/admin_server.hpp"

#include <functional>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "auth/credentials.hpp"
#include "net/net_test_support.hpp"
#include "net/server_runner.hpp"

namespace avedge::admin {
namespace {

using namespace net::testing;  // NOLINT

constexpr const char* kAdminIp = "127.0.0.41";
constexpr const char* kToken = "0123456789abcdef-admin-token";

std::vector<uint8_t> request(uint16_t method, const std::function<void(stun::Builder&)>& add) {
  stun::TransactionId tid{};
  crypto::random_bytes(tid);
  std::vector<uint8_t> buf(1500);
  stun::Builder b(buf, method, stun::Class::Request, tid);
  add(b);
  EXPECT_TRUE(b.ok());
  return {b.bytes().begin(), b.bytes().end()};
}

// A UDP TURN client with one socket: allocates as `user` (401 challenge, then signed).
class TurnClient {
 public:
  explicit TurnClient(const Endpoint& server) : server_(server), fd_(udp_socket()) {}
  ~TurnClient() { ::close(fd_); }
  TurnClient(const TurnClient&) = delete;
  TurnClient& operator=(const TurnClient&) = delete;

  std::optional<stun::Message> exchange(const std::vector<uint8_t>& req) {
    sockaddr_storage ss{};
    const unsigned len = server_.to_sockaddr(ss);
    ::sendto(fd_, req.data(), req.size(), 0, reinterpret_cast<sockaddr*>(&ss), len);
    const ssize_t n = ::recv(fd_, in_.data(), in_.size(), 0);
    stun::Message m;
    if (n <= 0 || stun::parse(std::span<const uint8_t>(in_.data(), static_cast<size_t>(n)), m) !=
                      stun::ParseError::None) {
      return std::nullopt;
    }
    return m;
  }

  // The error code or 0 on success.
  int allocate(const std::string& user, const std::string& pass) {
    auto r1 = exchange(request(stun::method::Allocate, [](stun::Builder& b) {
      b.add_requested_transport(stun::kProtoUdp);
    }));
    if (!r1 || r1->find(stun::attr::Nonce) == nullptr) return -1;
    const std::string nonce(stun::decode_string(*r1->find(stun::attr::Nonce)));
    const auto key = auth::make_long_term_key(user, "test", pass);
    auto r2 = exchange(request(stun::method::Allocate, [&](stun::Builder& b) {
      b.add_requested_transport(stun::kProtoUdp);
      b.add_string(stun::attr::Username, user);
      b.add_string(stun::attr::Realm, "test");
      b.add_string(stun::attr::Nonce, nonce);
      b.add_message_integrity(key.md5);
      b.add_fingerprint();
    }));
    if (!r2) return -1;
    if (r2->cls == stun::Class::Success) return 0;
    const auto* ec = r2->find(stun::attr::ErrorCode);
    return ec != nullptr ? stun::decode_error_code(*ec)->code : -1;
  }
  [[nodiscard]] Endpoint local() const { return local_of(fd_); }

 private:
  Endpoint server_;
  int fd_;
  std::array<uint8_t, 2048> in_{};
};

class AdminApi : public ::testing::Test {
 protected:
  explicit AdminApi(bool token = false) : tc_("\"udp://127.0.0.1:0\"", 2), runner_(tc_.cfg) {
    runner_.start();
    AdminOptions o;
    o.listen = Endpoint{*IpAddress::parse(kAdminIp), 0};
    if (token) {
      // As a non-loopback bind would: AdminOptions::from sets it for such a config.
      o.token = kToken;
      o.require_token = true;
    }
    admin_ = std::make_unique<AdminServer>(o, runner_, tc_.cfg, nullptr);
    admin_->start();
    http_ = std::make_unique<httplib::Client>(kAdminIp, admin_->port());
    http_->set_connection_timeout(2);
    http_->set_read_timeout(5);
  }
  ~AdminApi() override {
    admin_->stop();
    runner_.stop();
  }
  uint64_t metric(const std::string& series) {
    auto r = http_->Get("/metrics");
    EXPECT_TRUE(r && r->status == 200);
    if (!r) return 0;
    const std::string key = series + " ";
    const auto at = r->body.find("\n" + key);
    EXPECT_NE(at, std::string::npos) << series;
    if (at == std::string::npos) return 0;
    return std::stoull(r->body.substr(at + 1 + key.size()));
  }
  Endpoint udp() const { return runner_.listeners().front().endpoint; }

  TestConfig tc_;
  net::ServerRunner runner_;
  std::unique_ptr<AdminServer> admin_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(AdminApi, HealthAndReadiness) {
  auto h = http_->Get("/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  auto r = http_->Get("/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, "ready\n");
  auto n = http_->Get("/nothing-here");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->status, 404);
}

TEST_F(AdminApi, MetricsShowALiveAllocationAndAuthFailures) {
  EXPECT_EQ(metric("avedge_allocations_active{transport=\"udp\",pool=\"default\"}"), 0U);
  TurnClient ok(udp());
  ASSERT_EQ(ok.allocate("alice", "secret"), 0);
  TurnClient bad(udp());
  EXPECT_EQ(bad.allocate("alice", "wrong"), 401);
  EXPECT_EQ(metric("avedge_allocations_active{transport=\"udp\",pool=\"default\"}"), 1U);
  EXPECT_EQ(metric("avedge_auth_failures_total{reason=\"bad_integrity\",transport=\"udp\"}"), 1U);
  EXPECT_EQ(metric("avedge_auth_challenges_total{transport=\"udp\"}"), 2U);
  EXPECT_EQ(metric("avedge_allocate_requests_total{transport=\"udp\"}"), 4U);
  EXPECT_EQ(metric("avedge_relay_ports_free"), 9999U);  // 40000-49999 minus one

  auto j = http_->Get("/metrics.json");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->status, 200);
  const auto doc = nlohmann::json::parse(j->body);
  EXPECT_GT(doc["time"].get<double>(), 1.7e9);
  bool seen = false;
  for (const auto& m : doc["metrics"]) {
    if (m["name"] == "avedge_allocations_active" && m["labels"]["transport"] == "udp") {
      EXPECT_EQ(m["value"].get<uint64_t>(), 1U);
      EXPECT_EQ(m["type"], "gauge");
      seen = true;
    }
  }
  EXPECT_TRUE(seen);
}

TEST_F(AdminApi, SessionsListAndDeleteThroughTheOwningWorker) {
  TurnClient c(udp());
  ASSERT_EQ(c.allocate("alice", "secret"), 0);
  auto r = http_->Get("/api/v1/sessions");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const auto doc = nlohmann::json::parse(r->body);
  ASSERT_EQ(doc["sessions"].size(), 1U);
  const auto& s = doc["sessions"][0];
  EXPECT_EQ(s["user"], "alice");
  EXPECT_EQ(s["transport"], "udp");
  EXPECT_EQ(s["client"], c.local().to_string());
  EXPECT_EQ(s["server"], udp().to_string());
  ASSERT_EQ(s["relays"].size(), 1U);
  EXPECT_TRUE(s["relays"][0].get<std::string>().starts_with("127.0.0.1:"));
  EXPECT_EQ(s["bytes"]["to_peer"], 0);
  EXPECT_GE(s["age_seconds"].get<int64_t>(), 0);
  const uint64_t id = s["id"].get<uint64_t>();

  auto missing = http_->Delete("/api/v1/sessions/" + std::to_string(id + 1));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  auto bad = http_->Delete("/api/v1/sessions/99999999999999");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);

  auto del = http_->Delete("/api/v1/sessions/" + std::to_string(id));
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 200) << del->body;
  auto after = http_->Get("/api/v1/sessions");
  ASSERT_TRUE(after);
  EXPECT_EQ(nlohmann::json::parse(after->body)["sessions"].size(), 0U);
  EXPECT_EQ(metric("avedge_allocations_active{transport=\"udp\",pool=\"default\"}"), 0U);
  EXPECT_EQ(metric("avedge_allocations_ended_total{reason=\"deleted\"}"), 1U);
}

TEST_F(AdminApi, ExplainListsTheUsersDecisionsNewestFirst) {
  TurnClient bad(udp());
  EXPECT_EQ(bad.allocate("alice", "wrong"), 401);
  TurnClient ok(udp());
  ASSERT_EQ(ok.allocate("alice", "secret"), 0);
  TurnClient other(udp());
  EXPECT_EQ(other.allocate("mallory", "x"), 401);

  auto r = http_->Get("/api/v1/explain?user=alice");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const auto doc = nlohmann::json::parse(r->body);
  EXPECT_EQ(doc["user"], "alice");
  std::vector<std::string> events;
  for (const auto& d : doc["decisions"]) events.push_back(d["event"]);
  ASSERT_EQ(events.size(), 2U) << r->body;
  EXPECT_EQ(events[0], "allocation.created");
  EXPECT_EQ(events[1], "auth.bad_integrity");
  EXPECT_EQ(doc["decisions"][1]["code"], 2006);
  EXPECT_EQ(doc["decisions"][1]["transport"], "udp");

  auto none = http_->Get("/api/v1/explain");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 400);
  auto limited = http_->Get("/api/v1/explain?user=alice&limit=1");
  ASSERT_TRUE(limited);
  EXPECT_EQ(nlohmann::json::parse(limited->body)["decisions"].size(), 1U);
}

TEST_F(AdminApi, DrainRefusesNewAllocationsKeepsOldOnesAndUndrains) {
  TurnClient before(udp());
  ASSERT_EQ(before.allocate("alice", "secret"), 0);
  auto d = http_->Post("/api/v1/drain");
  ASSERT_TRUE(d);
  ASSERT_EQ(d->status, 200);
  EXPECT_EQ(d->body,
            "{\"draining\":true,\"alternate\":null,\"allocations\":1,\"exit_after_seconds\":0}");
  auto bad = http_->Post("/api/v1/drain?deadline=soon");  // `avedge drain --deadline`
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  TurnClient during(udp());
  EXPECT_EQ(during.allocate("alice", "secret"), 403);  // no other edge in the topology
  auto ready = http_->Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  EXPECT_EQ(metric("avedge_draining"), 1U);
  EXPECT_EQ(metric("avedge_drain_refusals_total"), 1U);
  EXPECT_EQ(metric("avedge_allocations_active{transport=\"udp\",pool=\"default\"}"), 1U);
  auto u = http_->Delete("/api/v1/drain");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->status, 200);
  TurnClient after(udp());
  EXPECT_EQ(after.allocate("alice", "secret"), 0);
  EXPECT_EQ(metric("avedge_draining"), 0U);
}

class AdminApiWithToken : public AdminApi {
 protected:
  AdminApiWithToken() : AdminApi(true) {}
};

TEST_F(AdminApiWithToken, RefusesEveryPathWithoutTheBearerToken) {
  for (const char* path : {"/healthz", "/readyz", "/metrics", "/metrics.json", "/api/v1/sessions",
                           "/api/v1/explain?user=alice"}) {
    auto r = http_->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 401) << path;
    EXPECT_EQ(r->get_header_value("WWW-Authenticate").rfind("Bearer", 0), 0U) << path;
    auto wrong = http_->Get(path, {{"Authorization", "Bearer not-the-token"}});
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 401) << path;
    EXPECT_EQ(wrong->body.find(kToken), std::string::npos);
  }
  auto del = http_->Delete("/api/v1/sessions/1");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 401);
  auto ok = http_->Get("/metrics", {{"Authorization", std::string("Bearer ") + kToken}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_NE(ok->body.find("# TYPE avedge_allocations_active gauge"), std::string::npos);
}

TEST(AdminOptions, TokenRequiredForNonLoopbackOrWhenConfigured) {
  config::AdminConfig c;
  EXPECT_FALSE(AdminOptions::from(c).require_token);  // 127.0.0.1:9090, no token
  c.listen.value = Endpoint{*IpAddress::parse("192.0.2.10"), 9090};
  c.token.value = kToken;
  EXPECT_TRUE(AdminOptions::from(c).require_token);
  c.listen.value = Endpoint{*IpAddress::parse("127.0.0.1"), 9090};
  EXPECT_TRUE(AdminOptions::from(c).require_token);  // a configured token is always checked
}

}  // namespace
}  // namespace avedge::admin

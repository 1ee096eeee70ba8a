// collect() and fetch_snapshot() against a real HTTP server on loopback serving recorded
// /metrics.json documents whose counters grow (the metrics contract).
#include "perf/collect.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "perf/table.hpp"
#include "perf_test_support.hpp"

namespace avedge::perf {
namespace {

class FakeAdmin {
 public:
  explicit FakeAdmin(std::string token = {}) : token_(std::move(token)) {
    server_.Get("/metrics.json", [this](const httplib::Request& q, httplib::Response& r) {
      if (!token_.empty() && q.get_header_value("Authorization") != "Bearer " + token_) {
        r.status = 401;
        return;
      }
      const int n = hits_++;
      r.set_content(test::metrics_doc(1000.0 + n, 30.0 * n, 100.0 * n, 2), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeAdmin() {
    server_.stop();
    thread_.join();
  }
  [[nodiscard]] AdminTarget target() const { return {"127.0.0.1", port_, token_}; }

 private:
  std::string token_;
  httplib::Server server_;
  std::atomic<int> hits_{0};
  int port_ = 0;
  std::thread thread_;
};

std::string read(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(Collect, OneRowPerIntervalWithRatesFromALiveServer) {
  FakeAdmin admin;
  const std::string out = ::testing::TempDir() + "avedge-collect-test.csv";
  CollectOptions o{admin.target(), std::chrono::milliseconds(100), std::chrono::milliseconds(500),
                   out};
  const auto r = collect(o, *load_template("edge").tmpl, {});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.rows, 5U);
  EXPECT_EQ(r.failed_samples, 0U);
  const auto t = parse_csv(read(out), out);
  ASSERT_TRUE(t.table) << t.error;
  ASSERT_EQ(t.table->rows.size(), 5U);
  const auto bad =
      t.table->column("avedge_auth_failures_total{reason=bad_integrity,transport=udp}");
  ASSERT_TRUE(bad);
  EXPECT_TRUE(t.table->columns[*bad].rate);
  for (const auto& row : t.table->rows) EXPECT_DOUBLE_EQ(*row.values[*bad], 30);  // 30 per 1 s
  const auto ports = t.table->column("avedge_relay_ports_free");
  ASSERT_TRUE(ports);
  EXPECT_DOUBLE_EQ(*t.table->rows[0].values[*ports], 998);
  std::remove(out.c_str());
}

TEST(Collect, TokenIsSentAndAMissingTokenIsAClearError) {
  FakeAdmin admin("s3cret-token-value");
  EXPECT_TRUE(fetch_snapshot(admin.target()).snapshot);
  AdminTarget no_token = admin.target();
  no_token.token.clear();
  const auto r = fetch_snapshot(no_token);
  EXPECT_FALSE(r.snapshot);
  EXPECT_NE(r.error.find("answered HTTP 401: it needs a token, pass --token"), std::string::npos)
      << r.error;
}

TEST(Collect, UnreachableAdminIsAClearErrorAndWritesNothing) {
  const int port = 1;  // tcpmux: nothing listens there on a test machine
  const std::string out = ::testing::TempDir() + "avedge-collect-none.csv";
  CollectOptions o{
      {"127.0.0.1", port, ""}, std::chrono::milliseconds(100), std::chrono::milliseconds(200), out};
  const auto r = collect(o, *load_template("edge").tmpl, {});
  EXPECT_NE(r.error.find("cannot reach the admin API at 127.0.0.1:"), std::string::npos) << r.error;
  std::ifstream f(out);
  EXPECT_FALSE(f.good());
}

TEST(AdminTarget, Parse) {
  std::string error;
  EXPECT_EQ(parse_admin_target("[::1]:9090", error)->display(), "[::1]:9090");
  EXPECT_FALSE(parse_admin_target("localhost", error));
  EXPECT_NE(error.find("write IP:PORT"), std::string::npos);
}

}  // namespace
}  // namespace avedge::perf

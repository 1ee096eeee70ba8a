// The metric set of the contract from live counters: every authentication failure reason, drop
// reason, quota reason and MRAS refusal lands in its own series, and nothing else moves.
#include "admin/collect.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <set>

namespace avedge::admin {
namespace {

using turn::Event;
using turn::Transport;

// Two workers' counters, as ServerRunner::for_each_stats would show them.
struct World {
  std::unique_ptr<turn::Stats> t0 = std::make_unique<turn::Stats>();
  std::unique_ptr<turn::Stats> t1 = std::make_unique<turn::Stats>();
  std::unique_ptr<net::NetStats> n0 = std::make_unique<net::NetStats>();
  std::unique_ptr<net::NetStats> n1 = std::make_unique<net::NetStats>();
  mras::Counters mras;

  MetricSet metrics() {
    Sources s;
    s.each_worker = [this](const WorkerVisitor& v) {
      v(*t0, *n0);
      v(*t1, *n1);
    };
    s.mras = &mras;
    s.pool = "EDGEPOOL01";
    s.relay_ports_total = 1000;
    s.workers = 2;
    return collect(s);
  }
  void event(turn::Stats& s, Event e, Transport t) {
    turn::bump(s.events[turn::Stats::transport_slot(t)][turn::Stats::event_slot(e)]);
  }
};

uint64_t value(const MetricSet& m, const std::string& name, const Labels& labels = {}) {
  const Sample* s = m.find(name, labels);
  EXPECT_NE(s, nullptr) << name;
  return s != nullptr ? s->value.u : 0;
}

// Sum of every sample of a family, to prove that only one series moved.
uint64_t family_sum(const MetricSet& m, const std::string& name) {
  uint64_t sum = 0;
  for (const auto& f : m.families()) {
    if (f.name != name) continue;
    for (const auto& s : f.samples) sum += s.value.u;
  }
  return sum;
}

struct AuthCase {
  const char* reason;
  Event event;
};

class AuthReason : public ::testing::TestWithParam<AuthCase> {};

TEST_P(AuthReason, MovesOnlyItsOwnSeries) {
  World w;
  w.event(*w.t1, GetParam().event, Transport::Tls);
  w.event(*w.t0, GetParam().event, Transport::Tls);
  const MetricSet m = w.metrics();
  EXPECT_EQ(
      value(m, "avedge_auth_failures_total", {{"reason", GetParam().reason}, {"transport", "tls"}}),
      2U);
  EXPECT_EQ(family_sum(m, "avedge_auth_failures_total"), 2U);
  EXPECT_EQ(family_sum(m, "avedge_auth_challenges_total"), 0U);
}

INSTANTIATE_TEST_SUITE_P(Contract, AuthReason,
                         ::testing::Values(AuthCase{"stale_nonce", Event::AuthStaleNonce},
                                           AuthCase{"invalid_nonce", Event::AuthInvalidNonce},
                                           AuthCase{"unknown_user", Event::AuthUnknownUser},
                                           AuthCase{"bad_integrity", Event::AuthBadIntegrity},
                                           AuthCase{"expired", Event::AuthExpiredCredential},
                                           AuthCase{"wrong_realm", Event::AuthWrongRealm},
                                           AuthCase{"foreign_pool", Event::AuthForeignPool},
                                           AuthCase{"unknown_key_id", Event::AuthUnknownKeyId},
                                           AuthCase{"bad_request", Event::AuthBadRequest},
                                           AuthCase{"bid_down", Event::AuthBidDown},
                                           AuthCase{"wrong_user", Event::AuthWrongUser}),
                         [](const auto& p) { return std::string(p.param.reason); });

class DropReason : public ::testing::TestWithParam<AuthCase> {};

TEST_P(DropReason, MovesOnlyItsOwnSeries) {
  World w;
  w.event(*w.t0, GetParam().event, Transport::Udp);
  const MetricSet m = w.metrics();
  EXPECT_EQ(value(m, "avedge_drops_total", {{"reason", GetParam().reason}}), 1U);
  EXPECT_EQ(family_sum(m, "avedge_drops_total"), 1U);
}

INSTANTIATE_TEST_SUITE_P(Contract, DropReason,
                         ::testing::Values(AuthCase{"no_permission", Event::DropNoPermission},
                                           AuthCase{"no_channel", Event::DropNoChannel},
                                           AuthCase{"no_allocation", Event::DropNoAllocation},
                                           AuthCase{"rate_limit", Event::DropRateLimited},
                                           AuthCase{"peer_denied", Event::DropPeerDenied},
                                           AuthCase{"malformed", Event::DropMalformed}),
                         [](const auto& p) { return std::string(p.param.reason); });

TEST(SocketDrops, BufferFullAndRxQueueOverflowHaveTheirOwnSeries) {
  World w;
  turn::bump(w.n0->buffer_full, 3);
  turn::bump(w.n1->rx_queue_overflow, 5);
  const MetricSet m = w.metrics();
  EXPECT_EQ(value(m, "avedge_drops_total", {{"reason", "socket_buffer_full"}}), 3U);
  EXPECT_EQ(value(m, "avedge_drops_total", {{"reason", "rx_queue_overflow"}}), 5U);
  EXPECT_EQ(family_sum(m, "avedge_drops_total"), 8U);
}

class QuotaReason : public ::testing::TestWithParam<AuthCase> {};

TEST_P(QuotaReason, MovesOnlyItsOwnSeries) {
  World w;
  w.event(*w.t0, GetParam().event, Transport::Udp);
  const MetricSet m = w.metrics();
  EXPECT_EQ(value(m, "avedge_quota_rejections_total", {{"reason", GetParam().reason}}), 1U);
  EXPECT_EQ(family_sum(m, "avedge_quota_rejections_total"), 1U);
}

INSTANTIATE_TEST_SUITE_P(Contract, QuotaReason,
                         ::testing::Values(AuthCase{"user", Event::QuotaUser},
                                           AuthCase{"ip", Event::QuotaIp},
                                           AuthCase{"total", Event::QuotaTotal},
                                           AuthCase{"no_port", Event::NoRelayPort},
                                           AuthCase{"permissions", Event::PermissionQuota}),
                         [](const auto& p) { return std::string(p.param.reason); });

TEST(QuotaReason, ChannelQuotaIsSplitFromPermissions) {
  World w;
  w.event(*w.t0, Event::PermissionQuota, Transport::Udp);  // a ChannelBind over its quota
  turn::bump(w.t0->channel_quota);
  const MetricSet m = w.metrics();
  EXPECT_EQ(value(m, "avedge_quota_rejections_total", {{"reason", "channels"}}), 1U);
  EXPECT_EQ(value(m, "avedge_quota_rejections_total", {{"reason", "permissions"}}), 0U);
}

class MrasRefusal : public ::testing::TestWithParam<mras::DiagInfo> {};

TEST_P(MrasRefusal, MovesOnlyItsOwnSeries) {
  World w;
  w.mras.refuse(GetParam().code);
  const MetricSet m = w.metrics();
  EXPECT_EQ(value(m, "avedge_mras_refusals_total",
                  {{"reason", std::to_string(mras::code_of(GetParam().code))}}),
            1U);
  EXPECT_EQ(family_sum(m, "avedge_mras_refusals_total"), 1U);
}

INSTANTIATE_TEST_SUITE_P(Catalogue, MrasRefusal, ::testing::ValuesIn(mras::catalogue()),
                         [](const auto& p) { return std::to_string(mras::code_of(p.param.code)); });

TEST(Collect, SumsWorkersAndLabelsThePool) {
  World w;
  turn::bump(w.t0->allocations[0], 2);
  turn::bump(w.t1->allocations[0], 1);
  turn::bump(w.t1->allocations[2], 4);
  turn::bump(w.t0->relayed_packets[0], 10);
  turn::bump(w.t1->relayed_packets[0], 5);
  turn::bump(w.t1->relayed_bytes[1], 1600);
  turn::bump(w.t0->allocate_requests[1], 7);
  turn::bump(w.n0->relay_sockets, 3);
  turn::bump(w.n1->relay_sockets, 4);
  w.event(*w.t0, Event::AuthMissing, Transport::Udp);
  w.mras.sip_messages = 4;
  w.mras.http_requests = 6;
  w.mras.grants = 5;
  const MetricSet m = w.metrics();
  EXPECT_EQ(value(m, "avedge_allocations_active", {{"transport", "udp"}, {"pool", "EDGEPOOL01"}}),
            3U);
  EXPECT_EQ(value(m, "avedge_allocations_active", {{"transport", "tls"}, {"pool", "EDGEPOOL01"}}),
            4U);
  EXPECT_EQ(value(m, "avedge_relayed_packets_total", {{"direction", "to_peer"}}), 15U);
  EXPECT_EQ(value(m, "avedge_relayed_bytes_total", {{"direction", "to_client"}}), 1600U);
  EXPECT_EQ(value(m, "avedge_allocate_requests_total", {{"transport", "tcp"}}), 7U);
  EXPECT_EQ(value(m, "avedge_auth_challenges_total", {{"transport", "udp"}}), 1U);
  EXPECT_EQ(value(m, "avedge_relay_ports_free"), 993U);
  EXPECT_EQ(value(m, "avedge_mras_requests_total", {{"protocol", "sip"}}), 4U);
  EXPECT_EQ(value(m, "avedge_mras_requests_total", {{"protocol", "http"}}), 6U);
  EXPECT_EQ(value(m, "avedge_mras_grants_total"), 5U);
  EXPECT_GT(value(m, "avedge_process_resident_memory_bytes"), 0U);
  EXPECT_GT(value(m, "avedge_process_open_fds"), 0U);
  EXPECT_NE(m.find("avedge_process_cpu_seconds_total"), nullptr);
}

TEST(Collect, EveryContractFamilyWithItsTypeAndNoUserLabel) {
  World w;
  const MetricSet m = w.metrics();
  const std::vector<std::pair<std::string, MetricType>> contract{
      {"avedge_allocations_active", MetricType::Gauge},
      {"avedge_allocate_requests_total", MetricType::Counter},
      {"avedge_quota_rejections_total", MetricType::Counter},
      {"avedge_auth_failures_total", MetricType::Counter},
      {"avedge_auth_challenges_total", MetricType::Counter},
      {"avedge_permissions_active", MetricType::Gauge},
      {"avedge_channels_active", MetricType::Gauge},
      {"avedge_relayed_packets_total", MetricType::Counter},
      {"avedge_relayed_bytes_total", MetricType::Counter},
      {"avedge_drops_total", MetricType::Counter},
      {"avedge_mras_requests_total", MetricType::Counter},
      {"avedge_mras_grants_total", MetricType::Counter},
      {"avedge_mras_refusals_total", MetricType::Counter},
      {"avedge_process_cpu_seconds_total", MetricType::Counter},
      {"avedge_process_resident_memory_bytes", MetricType::Gauge},
      {"avedge_process_open_fds", MetricType::Gauge},
      {"avedge_relay_ports_free", MetricType::Gauge},
      {"avedge_connections_open", MetricType::Gauge},
      {"avedge_connections_refused_total", MetricType::Counter},
      {"avedge_stream_closes_total", MetricType::Counter},
  };
  for (const auto& [name, type] : contract) {
    bool found = false;
    for (const auto& f : m.families()) {
      if (f.name != name) continue;
      found = true;
      EXPECT_EQ(f.type, type) << name;
      EXPECT_FALSE(f.samples.empty()) << name;
    }
    EXPECT_TRUE(found) << name;
  }
  std::set<std::string> names;
  for (const auto& f : m.families()) {
    EXPECT_TRUE(names.insert(f.name).second) << "family twice: " << f.name;
    EXPECT_EQ(f.type == MetricType::Counter, f.name.ends_with("_total")) << f.name;
    for (const auto& s : f.samples) {
      for (const auto& [k, v] : s.labels) EXPECT_NE(k, "user") << f.name;
    }
  }
}

}  // namespace
}  // namespace avedge::admin

namespace avedge::admin {
namespace {

// The connection limits of net/ (issue 6 item 4) as counters.
TEST(ConnectionMetrics, OpenRefusedAndClosesByReason) {
  net::ConnectionLimits limits(2, 1);
  const auto ip = *IpAddress::parse("198.51.100.4");
  auto held = limits.admit(ip);
  EXPECT_FALSE(limits.admit(ip).valid());  // per_ip
  limits.count_close(net::StreamClose::Idle);
  limits.count_close(net::StreamClose::Idle);
  limits.count_close(net::StreamClose::Oversize);
  Sources s;
  s.connections = &limits;
  const MetricSet m = collect(s);
  EXPECT_EQ(value(m, "avedge_connections_open"), 1U);
  EXPECT_EQ(value(m, "avedge_connections_refused_total", {{"reason", "per_ip"}}), 1U);
  EXPECT_EQ(value(m, "avedge_connections_refused_total", {{"reason", "total"}}), 0U);
  EXPECT_EQ(value(m, "avedge_stream_closes_total", {{"reason", "idle"}}), 2U);
  EXPECT_EQ(value(m, "avedge_stream_closes_total", {{"reason", "oversize"}}), 1U);
  EXPECT_EQ(family_sum(m, "avedge_stream_closes_total"), 3U);
  // Without a runner (MRAS-only tools): present and zero.
  const MetricSet none = collect(Sources{});
  EXPECT_EQ(value(none, "avedge_connections_open"), 0U);
}

}  // namespace
}  // namespace avedge::admin

#include "admin/collect.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "admin/process_stats.hpp"
#include "mras/diagnostics.hpp"

namespace avedge::admin {

namespace {

using turn::Event;
using turn::Transport;

constexpr std::array<Transport, 3> kTransports{Transport::Udp, Transport::Tcp, Transport::Tls};

// The contract's reason labels of avedge_auth_failures_total.
constexpr std::array<std::pair<const char*, Event>, 11> kAuthReasons{{
    {"stale_nonce", Event::AuthStaleNonce},
    {"invalid_nonce", Event::AuthInvalidNonce},
    {"unknown_user", Event::AuthUnknownUser},
    {"bad_integrity", Event::AuthBadIntegrity},
    {"expired", Event::AuthExpiredCredential},
    {"wrong_realm", Event::AuthWrongRealm},
    {"foreign_pool", Event::AuthForeignPool},
    {"unknown_key_id", Event::AuthUnknownKeyId},
    {"bad_request", Event::AuthBadRequest},
    {"bid_down", Event::AuthBidDown},
    {"wrong_user", Event::AuthWrongUser},
}};

constexpr std::array<std::pair<const char*, Event>, 5> kCoreDrops{{
    {"no_permission", Event::DropNoPermission},
    {"no_channel", Event::DropNoChannel},
    {"no_allocation", Event::DropNoAllocation},
    {"peer_denied", Event::DropPeerDenied},
    {"malformed", Event::DropMalformed},
}};

// Refused requests other than authentication and quota (avedge_request_errors_total).
constexpr std::array<std::pair<const char*, Event>, 8> kRequestErrors{{
    {"malformed", Event::RequestMalformed},
    {"unknown_attribute", Event::RequestUnknownAttribute},
    {"allocation_mismatch", Event::AllocationMismatch},
    {"unsupported_transport", Event::UnsupportedTransport},
    {"address_family_unsupported", Event::AddressFamilyUnsupported},
    {"peer_family_mismatch", Event::PeerFamilyMismatch},
    {"peer_denied", Event::PeerDenied},
    {"channel_conflict", Event::ChannelConflict},
}};

// Sums one reading over every worker.
template <typename Fn>
uint64_t sum(const Sources& s, Fn fn) {
  uint64_t total = 0;
  if (s.each_worker) {
    s.each_worker([&](const turn::Stats& t, const net::NetStats& n) { total += fn(t, n); });
  }
  return total;
}

// The least of one reading over every worker (0 without workers).
template <typename Fn>
uint64_t least(const Sources& s, Fn fn) {
  std::optional<uint64_t> low;
  if (s.each_worker) {
    s.each_worker([&](const turn::Stats& t, const net::NetStats& n) {
      low = std::min(low.value_or(UINT64_MAX), fn(t, n));
    });
  }
  return low.value_or(0);
}

uint64_t load(const std::atomic<uint64_t>& a) {
  return a.load(std::memory_order_relaxed);
}

uint64_t events(const Sources& s, Event e) {
  return sum(s, [e](const turn::Stats& t, const net::NetStats&) { return t.event_count(e); });
}

uint64_t events(const Sources& s, Event e, Transport tr) {
  return sum(s,
             [e, tr](const turn::Stats& t, const net::NetStats&) { return t.event_count(e, tr); });
}

void relay_metrics(const Sources& s, MetricSet& m) {
  const std::string pool = s.pool.empty() ? "default" : s.pool;
  m.family("avedge_allocations_active", MetricType::Gauge, "Live TURN allocations");
  for (const Transport tr : kTransports) {
    const auto i = turn::Stats::transport_slot(tr);
    m.add({{"transport", turn::to_string(tr)}, {"pool", pool}},
          Value::of(sum(s, [i](const turn::Stats& t, const net::NetStats&) {
            return load(t.allocations[i]);
          })));
  }
  m.family("avedge_allocate_requests_total", MetricType::Counter,
           "Allocate requests received, including unauthenticated ones");
  for (const Transport tr : kTransports) {
    const auto i = turn::Stats::transport_slot(tr);
    m.add({{"transport", turn::to_string(tr)}},
          Value::of(sum(s, [i](const turn::Stats& t, const net::NetStats&) {
            return load(t.allocate_requests[i]);
          })));
  }
  m.family("avedge_allocations_created_total", MetricType::Counter, "Allocations created")
      .add(events(s, Event::AllocationCreated));
  m.family("avedge_allocations_ended_total", MetricType::Counter,
           "Allocations ended: deleted (client, connection close, admin) or expired");
  m.add({{"reason", "deleted"}}, Value::of(events(s, Event::AllocationDeleted)));
  m.add({{"reason", "expired"}}, Value::of(events(s, Event::AllocationExpired)));

  const uint64_t channel_quota =
      sum(s, [](const turn::Stats& t, const net::NetStats&) { return load(t.channel_quota); });
  const uint64_t perm_quota = events(s, Event::PermissionQuota);
  m.family("avedge_quota_rejections_total", MetricType::Counter,
           "Requests refused by a quota or for lack of a relay port");
  m.add({{"reason", "user"}}, Value::of(events(s, Event::QuotaUser)));
  m.add({{"reason", "ip"}}, Value::of(events(s, Event::QuotaIp)));
  m.add({{"reason", "total"}}, Value::of(events(s, Event::QuotaTotal)));
  m.add({{"reason", "no_port"}}, Value::of(events(s, Event::NoRelayPort)));
  m.add({{"reason", "permissions"}},
        Value::of(perm_quota > channel_quota ? perm_quota - channel_quota : 0));
  m.add({{"reason", "channels"}}, Value::of(channel_quota));

  m.family("avedge_auth_failures_total", MetricType::Counter,
           "Requests refused by authentication, by reason");
  for (const auto& [reason, e] : kAuthReasons) {
    for (const Transport tr : kTransports) {
      m.add({{"reason", reason}, {"transport", turn::to_string(tr)}}, Value::of(events(s, e, tr)));
    }
  }
  m.family("avedge_auth_challenges_total", MetricType::Counter,
           "401 challenges to requests without credentials (normal first step of a client)");
  for (const Transport tr : kTransports) {
    m.add({{"transport", turn::to_string(tr)}}, Value::of(events(s, Event::AuthMissing, tr)));
  }
  m.family("avedge_request_errors_total", MetricType::Counter,
           "Authenticated requests refused, by reason");
  for (const auto& [reason, e] : kRequestErrors)
    m.add({{"reason", reason}}, Value::of(events(s, e)));

  m.family("avedge_permissions_active", MetricType::Gauge, "Live permissions")
      .add(sum(s, [](const turn::Stats& t, const net::NetStats&) { return load(t.permissions); }));
  m.family("avedge_channels_active", MetricType::Gauge, "Live channel bindings")
      .add(sum(s, [](const turn::Stats& t, const net::NetStats&) { return load(t.channels); }));

  const std::array<std::pair<const char*, turn::Direction>, 2> dirs{
      {{"to_peer", turn::Direction::ToPeer}, {"to_client", turn::Direction::ToClient}}};
  m.family("avedge_relayed_packets_total", MetricType::Counter, "Datagrams relayed");
  for (const auto& [name, d] : dirs) {
    const auto i = static_cast<size_t>(d);
    m.add({{"direction", name}}, Value::of(sum(s, [i](const turn::Stats& t, const net::NetStats&) {
            return load(t.relayed_packets[i]);
          })));
  }
  m.family("avedge_relayed_bytes_total", MetricType::Counter, "Payload bytes relayed");
  for (const auto& [name, d] : dirs) {
    const auto i = static_cast<size_t>(d);
    m.add({{"direction", name}}, Value::of(sum(s, [i](const turn::Stats& t, const net::NetStats&) {
            return load(t.relayed_bytes[i]);
          })));
  }

  m.family("avedge_drops_total", MetricType::Counter, "Datagrams dropped, by reason");
  for (const auto& [reason, e] : kCoreDrops) m.add({{"reason", reason}}, Value::of(events(s, e)));
  m.add({{"reason", "rate_limit"}}, Value::of(events(s, Event::DropRateLimited)));
  m.add({{"reason", "socket_buffer_full"}},
        Value::of(sum(
            s, [](const turn::Stats&, const net::NetStats& n) { return load(n.buffer_full); })));
  m.add({{"reason", "rx_queue_overflow"}},
        Value::of(sum(s, [](const turn::Stats&, const net::NetStats& n) {
          return load(n.rx_queue_overflow);
        })));

  m.family("avedge_draining", MetricType::Gauge,
           "1 while this edge refuses new allocations (POST /api/v1/drain)")
      .add(sum(s, [](const turn::Stats& t, const net::NetStats&) { return load(t.draining); }) > 0
               ? 1
               : 0);
  m.family("avedge_drain_refusals_total", MetricType::Counter,
           "Allocate requests refused while draining (300 Try Alternate or 403)")
      .add(sum(s,
               [](const turn::Stats& t, const net::NetStats&) { return load(t.drain_refusals); }));

  m.family("avedge_udp_gso_datagrams_total", MetricType::Counter,
           "Datagrams sent in UDP GSO sends of two or more (decision 0010)")
      .add(
          sum(s, [](const turn::Stats&, const net::NetStats& n) { return load(n.gso_datagrams); }));

  m.family("avedge_busy_poll_hits_total", MetricType::Counter,
           "Busy-polling windows (edge.busy_poll_us) that found packets: wake-ups from idle saved")
      .add(sum(s,
               [](const turn::Stats&, const net::NetStats& n) { return load(n.busy_poll_hits); }));
  m.family("avedge_busy_poll_misses_total", MetricType::Counter,
           "Busy-polling windows that ran out: the worker slept after polling")
      .add(sum(
          s, [](const turn::Stats&, const net::NetStats& n) { return load(n.busy_poll_misses); }));

  m.family("avedge_budget_late_wakeups_total", MetricType::Counter,
           "Latency budget waits that ended 300 us or more after their timer (a vCPU the host "
           "had parked, or a core busy with other work; decision 0019)")
      .add(sum(s, [](const turn::Stats&, const net::NetStats& n) {
        return load(n.budget_late_wakeups);
      }));
  m.family("avedge_budget_wait_us", MetricType::Gauge,
           "How long a latency budget wait lasts now, in microseconds (the shortest of the "
           "workers'): latency_budget_us unless late wake-ups shortened it (decision 0019)")
      .add(least(
          s, [](const turn::Stats&, const net::NetStats& n) { return load(n.budget_wait_us); }));
  m.family("avedge_budget_waits_total", MetricType::Counter,
           "Turns that relayed less than a batch and were followed by a latency budget wait")
      .add(sum(s, [](const turn::Stats&, const net::NetStats& n) { return load(n.budget_waits); }));
  m.family("avedge_budget_waits_skipped_total", MetricType::Counter,
           "Turns that relayed less than a batch and were followed by a sleep until the next "
           "packet, because the worker measured that cheaper than a budget wait (decision 0020)")
      .add(sum(s, [](const turn::Stats&, const net::NetStats& n) {
        return load(n.budget_waits_skipped);
      }));

  const uint64_t open =
      sum(s, [](const turn::Stats&, const net::NetStats& n) { return load(n.relay_sockets); });
  m.family("avedge_relay_ports_free", MetricType::Gauge,
           "Relay ports of the range not held by this process")
      .add(s.relay_ports_total > open ? s.relay_ports_total - open : 0);
}

// TCP/TLS connections under [limits] (net/connection_limits.hpp).
void connection_metrics(const Sources& s, MetricSet& m) {
  using net::StreamClose;
  const net::ConnectionLimits* c = s.connections;
  auto closes = [c](StreamClose why) { return c != nullptr ? c->closes(why) : 0; };
  m.family("avedge_connections_open", MetricType::Gauge, "Open TCP and TLS client connections")
      .add(c != nullptr ? c->open() : 0);
  m.family("avedge_connections_refused_total", MetricType::Counter,
           "TCP/TLS connections closed at accept: over [limits] connections_total or _per_ip");
  m.add({{"reason", "total"}}, Value::of(closes(StreamClose::LimitTotal)));
  m.add({{"reason", "per_ip"}}, Value::of(closes(StreamClose::LimitPerIp)));
  m.family("avedge_stream_closes_total", MetricType::Counter,
           "TCP/TLS connections closed by a deadline or a framing limit");
  for (const auto why :
       {StreamClose::TlsHandshake, StreamClose::FirstFrame, StreamClose::Idle,
        StreamClose::Oversize, StreamClose::InvalidFrame, StreamClose::WriteQueue}) {
    m.add({{"reason", net::to_string(why)}}, Value::of(closes(why)));
  }
}

void mras_metrics(const Sources& s, MetricSet& m) {
  auto get = [](const std::atomic<uint64_t>* a) { return a != nullptr ? load(*a) : 0; };
  const mras::Counters* c = s.mras;
  m.family("avedge_mras_requests_total", MetricType::Counter,
           "MRAS requests received (SIP messages, HTTP requests)");
  m.add({{"protocol", "sip"}}, Value::of(get(c != nullptr ? &c->sip_messages : nullptr)));
  m.add({{"protocol", "http"}}, Value::of(get(c != nullptr ? &c->http_requests : nullptr)));
  m.family("avedge_mras_grants_total", MetricType::Counter, "MRAS responses carrying credentials")
      .add(get(c != nullptr ? &c->grants : nullptr));
  m.family("avedge_mras_refusals_total", MetricType::Counter,
           "MRAS requests refused, by ms-diagnostics code");
  for (const auto& d : mras::catalogue()) {
    m.add({{"reason", std::to_string(mras::code_of(d.code))}},
          Value::of(c != nullptr ? c->refused(d.code) : 0));
  }
}

// edge.fast_path = "tc" (issue 7 item 4): what the kernel relayed without avedge seeing it.
void fast_path_metrics(const Sources& s, MetricSet& m) {
  if (s.fast_path == nullptr) return;
  const net::FastPathCounters c = s.fast_path->counters();
  m.family("avedge_fast_path_packets_total", MetricType::Counter,
           "Datagrams the tc fast path relayed (not in avedge_relayed_packets_total)");
  m.add({{"direction", "to_peer"}}, Value::of(c.to_peer_packets));
  m.add({{"direction", "to_client"}}, Value::of(c.to_client_packets));
  m.family("avedge_fast_path_bytes_total", MetricType::Counter,
           "Payload bytes the tc fast path relayed");
  m.add({{"direction", "to_peer"}}, Value::of(c.to_peer_bytes));
  m.add({{"direction", "to_client"}}, Value::of(c.to_client_bytes));
  m.family("avedge_fast_path_declined_total", MetricType::Counter,
           "Routed datagrams the fast path left to avedge (no forwarding route)")
      .add(c.declined);
  m.family("avedge_fast_path_routes", MetricType::Gauge, "Channel routes in the kernel's maps")
      .add(c.routes);
  m.family("avedge_fast_path_mixed_family_routes", MetricType::Gauge,
           "Channel routes the kernel cannot carry (client and peer of two IP families)")
      .add(c.mixed_family_routes);
}

void process_metrics(const Sources& s, MetricSet& m) {
  const ProcessStats p = read_process_stats();
  m.family("avedge_process_cpu_seconds_total", MetricType::Counter,
           "CPU time of the process, user and system")
      .add({}, Value::real(p.cpu_seconds));
  m.family("avedge_process_resident_memory_bytes", MetricType::Gauge, "Resident memory")
      .add(p.resident_bytes);
  m.family("avedge_process_open_fds", MetricType::Gauge, "Open file descriptors").add(p.open_fds);
  m.family("avedge_workers", MetricType::Gauge, "Worker threads").add(s.workers);
}

}  // namespace

MetricSet collect(const Sources& s) {
  MetricSet m;
  relay_metrics(s, m);
  connection_metrics(s, m);
  mras_metrics(s, m);
  fast_path_metrics(s, m);
  process_metrics(s, m);
  return m;
}

}  // namespace avedge::admin

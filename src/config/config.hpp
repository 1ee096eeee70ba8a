// The configuration model: every value the edge runs with, each with the file and line it came
// from, so any finding can say "avedge.toml:14" (DESIGN.md §1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/admin_config.hpp"
#include "config/model_basics.hpp"
#include "config/topology.hpp"
#include "core/address.hpp"
#include "core/clock.hpp"

namespace avedge::config {

struct StaticUser {
  std::string name;
  std::string password;
  SourcePos where = builtin_pos();
};

struct PeersConfig {
  Located<bool> recommended{true};  // deny = "recommended" | "none"
  std::vector<Located<Cidr>> allow;
  std::vector<Located<Cidr>> deny_extra;
};

struct QuotaConfig {
  Located<uint64_t> total{10000};
  Located<uint64_t> per_user{100};
  Located<uint64_t> per_ip{200};
};

// [limits]: abuse protection (SECURITY.md §2, issue 6 items 3 and 4).
struct LimitsConfig {
  Located<uint64_t> challenges_per_second{20};  // per source IP, UDP; 0 = no limit
  Located<uint64_t> challenges_burst{40};
  Located<uint64_t> connections_total{20000};  // TCP and TLS, over all workers
  Located<uint64_t> connections_per_ip{200};
  // A TCP/TLS connection without allocation is closed this long after its last whole frame.
  Located<Seconds> idle_timeout{Seconds{30}};
  Located<uint64_t> max_message_size{65555};  // largest TCP/TLS frame (STUN header + 65535)
};

struct LifetimesConfig {
  Located<Seconds> default_lifetime{Seconds{600}};  // RFC 8656 §7.2
  Located<Seconds> max_lifetime{Seconds{3600}};
  Located<Seconds> permission{Seconds{300}};  // RFC 8656 §9
  Located<Seconds> channel{Seconds{600}};     // RFC 8656 §12
  Located<Seconds> nonce{Seconds{600}};
};

struct TlsConfig {
  Located<std::string> cert;  // PEM file; may also hold the key
  Located<std::string> key;
  // Both empty and a TLS listener exists: a self-signed certificate is generated at start.
};

// Microseconds of added latency a worker may spend collecting packets (edge.latency_budget_us).
inline constexpr unsigned kDefaultLatencyBudgetUs = 175;
inline constexpr unsigned kMaxLatencyBudgetUs = 10000;
// Microseconds a worker keeps looking for packets before it sleeps (edge.busy_poll_us).
inline constexpr unsigned kMaxBusyPollUs = 10000;

struct Config {
  Located<std::string> realm{"avedge.local"};
  std::vector<Listener> listeners;
  std::vector<Located<IpAddress>> relay_ips;  // at most one per family; derived when empty
  Located<PortRange> relay_ports;
  Located<unsigned> workers{0};  // 0: one per core
  // How long a worker may hold packets to take several per wake-up (issue 7): after a wake-up
  // that found less than a full batch, it sleeps this long before it looks again. 0: never.
  Located<unsigned> latency_budget_us{kDefaultLatencyBudgetUs};
  // Make that wait only when it costs less CPU per packet than sleeping until the next packet,
  // as each worker measures (decision 0020). false: after every such wake-up.
  Located<bool> latency_budget_when_cheaper{true};
  // After a turn that relayed something, how long a worker keeps looking for more without
  // sleeping (a wake-up from idle costs latency), at the CPU time it spends looking. 0: never.
  Located<unsigned> busy_poll_us{0};
  Located<bool> software{false};
  // The kernel fast path for channel-bound UDP (issue 7 item 4): "off" or "tc", and the
  // interfaces whose tc ingress it attaches to (client and peer traffic arrive there).
  Located<std::string> fast_path{"off"};
  std::vector<Located<std::string>> fast_path_interfaces;
  Located<bool> strict_channel_numbers{false};
  std::vector<StaticUser> users;
  std::vector<Located<std::string>> secrets;  // TURN REST secrets, inline or read from files
  // Development mode (the embedded default): generate a REST secret and a user when none is
  // configured, and print them at start.
  Located<bool> dev_credentials{false};
  PeersConfig peers;
  QuotaConfig quota;
  LimitsConfig limits;
  LifetimesConfig lifetimes;
  TlsConfig tls;
  Located<std::string> log_level{"info"};
  AdminConfig admin;  // [admin] (issue 5)
  // [log] events: where the JSON event lines go, "stdout", "stderr" or a file path (appended);
  // events_rate: lines per second per (event, client address) before "suppressed N" summaries.
  Located<std::string> log_events{"stderr"};
  Located<uint64_t> log_events_rate{10};
  // [topology], [[edge_pool]], [[frontend_pool]], [mras] and [edge] pool (issue 3).
  Topology topology;

  [[nodiscard]] bool has_tls_listener() const;
  [[nodiscard]] std::optional<IpAddress> relay_ip(Family f) const;
};

}  // namespace avedge::config

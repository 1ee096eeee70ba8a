// Reads /metrics.json from avedge's admin API (the metrics contract) for `avedge stat` and
// `avedge perf collect`. The bearer token, when given, goes in the Authorization header only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "perf/snapshot.hpp"

namespace avedge::perf {

struct AdminTarget {
  std::string host = "127.0.0.1";
  int port = 9090;
  std::string token;                          // empty: no Authorization header
  [[nodiscard]] std::string display() const;  // "127.0.0.1:9090", "[::1]:9090"
};

// "IP:PORT" or "[IPv6]:PORT"; nullopt with `error` set otherwise.
std::optional<AdminTarget> parse_admin_target(std::string_view text, std::string& error);

struct FetchResult {
  std::optional<Snapshot> snapshot;
  std::string error;  // "cannot reach the admin API at ...", "HTTP 401 ...", "bad document: ..."
};
FetchResult fetch_snapshot(const AdminTarget& target);
// "cannot reach the admin API at ...: <why> (is `avedge serve` running ...)"; why: the client's
// error text (empty: connection refused or unreachable).
std::string cannot_reach(const AdminTarget& target, const std::string& why);

}  // namespace avedge::perf

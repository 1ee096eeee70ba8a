// Builds the metric set of the contract (docs/COUNTERS.md) from the workers' live counters
// (summed on read), the MRAS counters and the process's own resource use.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "admin/metrics.hpp"
#include "mras/counters.hpp"
#include "net/connection_limits.hpp"
#include "net/fast_path.hpp"
#include "net/net_stats.hpp"
#include "turn/stats.hpp"

namespace avedge::admin {

using WorkerVisitor = std::function<void(const turn::Stats&, const net::NetStats&)>;

struct Sources {
  // Calls its argument once per worker (net::ServerRunner::for_each_stats).
  std::function<void(const WorkerVisitor&)> each_worker;
  const mras::Counters* mras = nullptr;  // null: MRAS counters read as zero
  std::string pool;                      // this edge's pool label ("default" when none)
  uint64_t relay_ports_total = 0;        // size of the range times the relay addresses
  unsigned workers = 0;
  const net::ConnectionLimits* connections = nullptr;  // null: connection counters read as zero
  const net::FastPath* fast_path = nullptr;            // null: fast path off, its metrics absent
};

MetricSet collect(const Sources& s);

}  // namespace avedge::admin

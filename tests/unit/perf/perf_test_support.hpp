// Recorded /metrics.json documents (the metrics contract) for the perf unit tests.
#pragma once

#include <string>

#include <fmt/format.h>

namespace avedge::perf::test {

// A document with allocations, auth failures by reason, relayed packets and a gauge.
inline std::string metrics_doc(double time, double failures, double packets, double allocs) {
  return fmt::format(
      R"({{"time": {}, "metrics": [
  {{"name": "avedge_allocations_active", "type": "gauge", "help": "h",
    "labels": {{"transport": "udp", "pool": "DEVPOOL"}}, "value": {}}},
  {{"name": "avedge_allocate_requests_total", "type": "counter", "help": "h",
    "labels": {{"transport": "udp"}}, "value": {}}},
  {{"name": "avedge_auth_failures_total", "type": "counter", "help": "h",
    "labels": {{"reason": "bad_integrity", "transport": "udp"}}, "value": {}}},
  {{"name": "avedge_auth_failures_total", "type": "counter", "help": "h",
    "labels": {{"reason": "stale_nonce", "transport": "udp"}}, "value": 1}},
  {{"name": "avedge_relayed_packets_total", "type": "counter", "help": "h",
    "labels": {{"direction": "to_peer"}}, "value": {}}},
  {{"name": "avedge_relay_ports_free", "type": "gauge", "help": "h", "value": 998}}
]}})",
      time, allocs, allocs * 2, failures, packets);
}

}  // namespace avedge::perf::test

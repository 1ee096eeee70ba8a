// Live counters of one turn::Server (issue 5 item 1): written only by the worker thread that
// owns the server (a relaxed load and store, no read-modify-write, no lock), read from any
// thread with relaxed loads and summed over workers by the admin API. The block is cache-line
// aligned so that no two workers ever share a line.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "turn/io.hpp"

namespace avedge::turn {

enum class Direction : uint8_t { ToPeer, ToClient };

struct alignas(64) Stats {
  // Event codes are 1000-1063, 2000-2063, 3000-3063, 4000-4063 (io.hpp).
  static constexpr size_t kEventSlots = 4 * 64;
  // udp, tcp, tls, and "none" for events without a client tuple (expiry).
  static constexpr size_t kTransportSlots = 4;
  static constexpr size_t kNoTransport = 3;

  static constexpr size_t event_slot(Event e) {
    const unsigned code = static_cast<unsigned>(e);
    return ((code / 1000 - 1) % 4) * 64 + (code % 1000) % 64;
  }
  static constexpr size_t transport_slot(Transport t) { return static_cast<size_t>(t); }

  std::array<std::array<std::atomic<uint64_t>, kEventSlots>, kTransportSlots> events{};
  std::array<std::atomic<uint64_t>, 3> allocate_requests{};  // by transport
  std::atomic<uint64_t> channel_quota{0};   // PermissionQuota refusals of a ChannelBind
  std::atomic<uint64_t> drain_refusals{0};  // Allocates refused while draining (300 or 403)
  std::array<std::atomic<uint64_t>, 2> relayed_packets{};  // by Direction
  std::array<std::atomic<uint64_t>, 2> relayed_bytes{};    // payload bytes, by Direction
  // Gauges.
  std::array<std::atomic<uint64_t>, 3> allocations{};  // by transport
  std::atomic<uint64_t> permissions{0};
  std::atomic<uint64_t> channels{0};
  std::atomic<uint64_t> draining{0};  // 1 while new allocations are refused

  [[nodiscard]] uint64_t event_count(Event e, Transport t) const {
    return events[transport_slot(t)][event_slot(e)].load(std::memory_order_relaxed);
  }
  // Over every transport, and events without one.
  [[nodiscard]] uint64_t event_count(Event e) const {
    uint64_t sum = 0;
    for (const auto& per : events) sum += per[event_slot(e)].load(std::memory_order_relaxed);
    return sum;
  }
};

// Single-writer update: cheaper than fetch_add and exact as long as one thread writes.
inline void bump(std::atomic<uint64_t>& c, uint64_t n = 1) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}
inline void drop(std::atomic<uint64_t>& c, uint64_t n = 1) {
  c.store(c.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
}

}  // namespace avedge::turn

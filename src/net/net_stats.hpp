// Counters of a worker's sockets (issue 5 item 1) that the pure TURN core cannot see: datagrams
// the kernel dropped. Single writer (the worker thread), relaxed; read from any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace avedge::net {

enum class SocketDrop : uint8_t {
  BufferFull,       // sendto/sendmsg failed with EAGAIN or ENOBUFS: the datagram is lost
  RxQueueOverflow,  // the receive queue overflowed before we read (SO_RXQ_OVFL, socket(7))
};

struct alignas(64) NetStats {
  std::atomic<uint64_t> buffer_full{0};
  std::atomic<uint64_t> rx_queue_overflow{0};
  std::atomic<uint64_t> relay_sockets{0};  // gauge: open relay sockets of this worker
  std::atomic<uint64_t> gso_datagrams{0};  // sent in UDP GSO sends of two or more
  // edge.busy_poll_us (decision 0016): polling windows that found packets before they ended
  // (a wake-up from idle saved), and windows that ran out (the worker slept after all).
  std::atomic<uint64_t> busy_poll_hits{0};
  std::atomic<uint64_t> busy_poll_misses{0};
  // edge.latency_budget_us (decision 0019): budget waits that ended BudgetWindow::kLate or more
  // after their timer (a parked vCPU or a busy core), and how long the waits last now (gauge, µs).
  std::atomic<uint64_t> budget_late_wakeups{0};
  std::atomic<uint64_t> budget_wait_us{0};
  // edge.latency_budget_when_cheaper (decision 0020): turns that relayed less than a batch,
  // followed by a budget's wait, or by a sleep until the next packet because that cost less.
  std::atomic<uint64_t> budget_waits{0};
  std::atomic<uint64_t> budget_waits_skipped{0};
};

// True for the errno of a datagram send that the kernel refused for lack of buffer space.
bool send_buffer_full(int err);

// SO_RXQ_OVFL reports a per-socket running total; this turns it into increments.
struct OverflowTracker {
  uint32_t seen = 0;
  // Returns the new drops since the last report (the kernel counter wraps at 2^32).
  uint32_t update(uint32_t total) {
    const uint32_t d = total - seen;
    seen = total;
    return d;
  }
};

}  // namespace avedge::net

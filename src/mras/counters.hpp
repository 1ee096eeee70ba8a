// MRAS counters (issue 3 item 7): requests, grants and refusals by diagnostic code. Shared by the
// SIP and HTTP threads, so every field is atomic; read with relaxed loads.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "mras/diagnostics.hpp"

namespace avedge::mras {

struct Counters {
  std::atomic<uint64_t> requests{0};       // MRAS requests that reached the credential service
  std::atomic<uint64_t> grants{0};         // responses carrying credentials
  std::atomic<uint64_t> sip_messages{0};   // SIP requests received (any method)
  std::atomic<uint64_t> http_requests{0};  // HTTP requests received (any path)
  std::array<std::atomic<uint64_t>, 32> refusals{};  // index: code - 9000

  void refuse(Diag d) {
    const unsigned i = code_of(d) - 9000;
    if (i < refusals.size()) refusals[i].fetch_add(1, std::memory_order_relaxed);
  }
  [[nodiscard]] uint64_t refused(Diag d) const {
    const unsigned i = code_of(d) - 9000;
    return i < refusals.size() ? refusals[i].load(std::memory_order_relaxed) : 0;
  }
};

}  // namespace avedge::mras

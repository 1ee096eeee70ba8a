// Relay ports held for a later Allocate by RESERVATION-TOKEN (RFC 8656 §7.2, EVEN-PORT with
// the R bit). Shared by every worker: the second Allocate of an RTP/RTCP pair comes from another
// client port and may land on another worker. Touched only on Allocate, never per packet.
// A reservation holds no socket: it only keeps the port out of the random choice until it is
// claimed or expires, so nothing can leak (coturn CVE-2026-73215).
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "core/address.hpp"
#include "core/clock.hpp"

namespace avedge::turn {

using ReservationToken = std::array<uint8_t, 8>;

class Reservations {
 public:
  explicit Reservations(Seconds lifetime = Seconds{30});
  // Holds `port` of `relay` until now + lifetime; returns the token for the client.
  ReservationToken add(const Endpoint& relay, TimePoint now);
  // Claims a reservation: its address, once. nullopt if unknown or expired.
  std::optional<Endpoint> take(const ReservationToken& token, TimePoint now);
  // True while a live reservation holds this relay address (random port choice skips it).
  [[nodiscard]] bool held(const Endpoint& relay, TimePoint now) const;
  [[nodiscard]] size_t size() const;

 private:
  struct Entry {
    ReservationToken token;
    Endpoint relay;
    TimePoint expires;
  };
  void expire_locked(TimePoint now);

  mutable std::mutex mu_;
  Seconds lifetime_;
  std::vector<Entry> entries_;
};

}  // namespace avedge::turn

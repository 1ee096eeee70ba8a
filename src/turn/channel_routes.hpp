// What a kernel fast path may relay for one allocation (issue 7 item 4): each channel whose
// peer has a permission, until the first of channel, permission and allocation lapses.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/address.hpp"
#include "core/clock.hpp"

namespace avedge::turn {

struct Allocation;

struct ChannelRoute {
  uint16_t channel = 0;
  Endpoint peer;
  Endpoint relay;   // the relayed transport address of the peer's family
  TimePoint until;  // RFC 8656 §12: data flows while channel and permission (§9) both live
  friend bool operator==(const ChannelRoute&, const ChannelRoute&) = default;
};

// What a kernel fast path relayed for an allocation, by Direction (to peer, to client):
// datagrams and their payload bytes, to be added to the allocation's own counts.
struct KernelRelayed {
  std::array<uint64_t, 2> packets{};
  std::array<uint64_t, 2> bytes{};
  void add_to(std::array<uint64_t, 2>& to_packets, std::array<uint64_t, 2>& to_bytes) const {
    for (size_t i = 0; i < 2; ++i) {
      to_packets[i] += packets[i];
      to_bytes[i] += bytes[i];
    }
  }
  friend bool operator==(const KernelRelayed&, const KernelRelayed&) = default;
};

// The routes of an allocation: its channels whose peer has a permission. Only UDP allocations
// are asked (Server::Impl::routes_wanted): a stream's ChannelData is framed.
std::vector<ChannelRoute> channel_routes(const Allocation& a);

}  // namespace avedge::turn

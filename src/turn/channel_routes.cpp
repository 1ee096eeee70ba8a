#include "turn/channel_routes.hpp"

#include <algorithm>

#include "turn/allocation.hpp"

namespace avedge::turn {

std::vector<ChannelRoute> channel_routes(const Allocation& a) {
  std::vector<ChannelRoute> out;
  for (const auto& c : a.channels) {
    const Relay* r = a.relay_for(c.peer.ip.family);
    if (r == nullptr) continue;
    // RFC 8656 §9: permissions are per IP; the latest one for the peer's address counts.
    TimePoint permitted{};
    for (const auto& p : a.permissions) {
      if (p.ip == c.peer.ip) permitted = std::max(permitted, p.expires);
    }
    if (permitted == TimePoint{}) continue;
    out.push_back({c.number, c.peer, r->address, std::min({c.expires, permitted, a.expires})});
  }
  return out;
}

}  // namespace avedge::turn

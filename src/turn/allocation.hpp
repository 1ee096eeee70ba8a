// One TURN allocation and its permissions and channels (RFC 8656 §2.2, §9, §12).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "auth/credentials.hpp"
#include "core/address.hpp"
#include "core/clock.hpp"
#include "turn/io.hpp"
#include "wire/stun_message.hpp"

namespace avedge::turn {

struct Permission {
  IpAddress ip;  // RFC 8656 §9: permissions are per IP address, the port is ignored
  TimePoint expires;
};

struct Channel {
  uint16_t number = 0;
  Endpoint peer;
  TimePoint expires;
};

struct Relay {
  uint32_t id = 0;
  Endpoint address;
};

struct Allocation {
  ClientTuple tuple;
  std::string username;
  auth::LongTermKey key;      // the key the client proved; used for MESSAGE-INTEGRITY on responses
  std::vector<Relay> relays;  // one, or two with ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §7.2)
  TimePoint expires;
  std::vector<Permission> permissions;
  std::vector<Channel> channels;
  stun::TransactionId allocate_tid{};
  std::vector<uint8_t> allocate_response;  // resent as is for a retransmitted Allocate
  // For the admin API (sessions): when it was created, and what it relayed (payload bytes).
  TimePoint created{};
  std::array<uint64_t, 2> packets{};  // by Direction: to peer, to client
  std::array<uint64_t, 2> bytes{};

  [[nodiscard]] const Relay* relay_for(Family f) const {
    for (const auto& r : relays) {
      if (r.address.ip.family == f) return &r;
    }
    return nullptr;
  }
  [[nodiscard]] bool has_permission(const IpAddress& ip, TimePoint now) const {
    for (const auto& p : permissions) {
      if (p.ip == ip && p.expires > now) return true;
    }
    return false;
  }
  [[nodiscard]] const Channel* channel_by_number(uint16_t n) const {
    for (const auto& c : channels) {
      if (c.number == n) return &c;
    }
    return nullptr;
  }
  [[nodiscard]] const Channel* channel_by_peer(const Endpoint& peer) const {
    for (const auto& c : channels) {
      if (c.peer == peer) return &c;
    }
    return nullptr;
  }
};

}  // namespace avedge::turn

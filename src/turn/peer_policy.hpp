// Which peers a relay may talk to (RFC 8656 §21.2.2, SECURITY.md §2.2).
// One function canonicalises every address, one policy decides; both are used on every path
// that names a peer: CreatePermission, ChannelBind, Send, and inbound packets on a relay.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/address.hpp"

namespace avedge::turn {

// IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, except :: and ::1), 6to4
// (2002:AABB:CCDD::/16), NAT64 (64:ff9b::/96 and 64:ff9b:1::/48 with the address in the
// last 32 bits) and Teredo (2001:0::/32, client address = ~last 32 bits) become the IPv4
// address inside. Anything else is returned unchanged.
IpAddress canonical(const IpAddress& ip);

enum class PeerVerdict : uint8_t {
  Allowed,
  DeniedDefault,     // the recommended table
  DeniedConfig,      // a configured deny entry
  DeniedAlways,      // unspecified addresses, never allowed
  DeniedOwnService,  // this edge's own address, on a port outside the relay range
};
const char* to_string(PeerVerdict v);

class PeerPolicy {
 public:
  // The "recommended" deny table of SECURITY.md §2.2 is on unless use_recommended is false.
  explicit PeerPolicy(bool use_recommended = true);

  void allow(const Cidr& c);  // overrides recommended and configured denies
  void deny(const Cidr& c);
  // This edge's own relay addresses: allowed so two clients of one edge can talk, but only on
  // relay ports. Anything else on those addresses (sshd, the admin API, MRAS) stays out of
  // reach unless an allow entry names it.
  void add_own_relay_address(const IpAddress& ip);
  void set_own_relay_ports(uint16_t min, uint16_t max);

  // Decides on the canonical form. Unspecified addresses (0.0.0.0/8, ::) are denied always,
  // even when allowed by config (CVE-2020-26262).
  [[nodiscard]] PeerVerdict check(const IpAddress& ip) const;
  [[nodiscard]] bool allowed(const IpAddress& ip) const {
    return check(ip) == PeerVerdict::Allowed;
  }
  // The same for a transport address, for every path that sends to or receives from a peer
  // (ChannelBind, Send, inbound datagrams): own addresses only on relay ports.
  [[nodiscard]] PeerVerdict check(const Endpoint& peer) const;
  [[nodiscard]] bool allowed(const Endpoint& peer) const {
    return check(peer) == PeerVerdict::Allowed;
  }
  // A datagram from `peer` to a relay that has a permission for peer.ip: the IP was checked when
  // the permission was installed (and again by Server::set_policy), so only the port rule of this
  // edge's own addresses is left to decide — a find in a short list, not a CIDR scan per packet.
  [[nodiscard]] bool inbound_allowed(const Endpoint& peer) const;

  // The recommended table as CIDR strings, for docs and `avedge check`.
  static const std::vector<std::string_view>& recommended_deny();

 private:
  std::vector<Cidr> recommended_;
  std::vector<Cidr> allow_;
  std::vector<Cidr> deny_;
  std::vector<IpAddress> own_;
  uint16_t own_port_min_ = 49152;  // RFC 8656 §7.2 relay range until configured
  uint16_t own_port_max_ = 65535;
};

}  // namespace avedge::turn

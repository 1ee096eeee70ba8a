#include "turn/peer_policy.hpp"

#include <algorithm>

namespace avedge::turn {

namespace {

bool starts_with_bytes(const IpAddress& ip, std::initializer_list<uint8_t> prefix) {
  size_t i = 0;
  for (uint8_t b : prefix) {
    if (ip.bytes[i++] != b) return false;
  }
  return true;
}

IpAddress v4_at(const IpAddress& ip, size_t offset, bool invert = false) {
  const uint8_t x = invert ? 0xFF : 0x00;
  return IpAddress::v4(static_cast<uint8_t>(ip.bytes[offset] ^ x),
                       static_cast<uint8_t>(ip.bytes[offset + 1] ^ x),
                       static_cast<uint8_t>(ip.bytes[offset + 2] ^ x),
                       static_cast<uint8_t>(ip.bytes[offset + 3] ^ x));
}

bool all_zero(const IpAddress& ip, size_t from, size_t to) {
  return std::all_of(ip.bytes.begin() + static_cast<std::ptrdiff_t>(from),
                     ip.bytes.begin() + static_cast<std::ptrdiff_t>(to),
                     [](uint8_t b) { return b == 0; });
}

std::vector<Cidr> parse_all(const std::vector<std::string_view>& texts) {
  std::vector<Cidr> out;
  out.reserve(texts.size());
  for (auto t : texts) {
    if (auto c = Cidr::parse(t)) out.push_back(*c);
  }
  return out;
}

bool any_contains(const std::vector<Cidr>& list, const IpAddress& ip) {
  return std::any_of(list.begin(), list.end(), [&ip](const Cidr& c) { return c.contains(ip); });
}

// A configured ::ffff:a.b.c.d/N (N >= 96) block means the IPv4 block a.b.c.d/(N-96); addresses
// are matched in canonical form, so the block must be too.
Cidr canonical_cidr(const Cidr& c) {
  if (c.base.is_v4() || c.prefix < 96) return c;
  if (!all_zero(c.base, 0, 10) || c.base.bytes[10] != 0xFF || c.base.bytes[11] != 0xFF) return c;
  Cidr out;
  out.base = v4_at(c.base, 12);
  out.prefix = static_cast<uint8_t>(c.prefix - 96);
  return out;
}

}  // namespace

IpAddress canonical(const IpAddress& ip) {
  if (ip.is_v4()) return ip;
  // IPv4-mapped ::ffff:a.b.c.d (RFC 4291 §2.5.5.2; CVE-2026-27624, CVE-2026-53450).
  if (all_zero(ip, 0, 10) && ip.bytes[10] == 0xFF && ip.bytes[11] == 0xFF) return v4_at(ip, 12);
  // IPv4-compatible ::a.b.c.d (RFC 4291 §2.5.5.1, deprecated; CVE-2026-73212). :: and ::1
  // keep their IPv6 meaning.
  if (all_zero(ip, 0, 12)) {
    if (all_zero(ip, 12, 15) && ip.bytes[15] <= 1) return ip;
    return v4_at(ip, 12);
  }
  // 6to4 2002:AABB:CCDD::/48 (RFC 3056 §2).
  if (starts_with_bytes(ip, {0x20, 0x02})) return v4_at(ip, 2);
  // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052 §2.1).
  if (starts_with_bytes(ip, {0x00, 0x64, 0xff, 0x9b}) && all_zero(ip, 4, 12)) {
    return v4_at(ip, 12);
  }
  // NAT64 local-use prefix 64:ff9b:1::/48 (RFC 8215); we take the last 32 bits, as a /96
  // translator inside it would.
  if (starts_with_bytes(ip, {0x00, 0x64, 0xff, 0x9b, 0x00, 0x01})) return v4_at(ip, 12);
  // Teredo 2001:0::/32 (RFC 4380 §4): the client's IPv4 address is the last 32 bits,
  // every bit inverted.
  if (starts_with_bytes(ip, {0x20, 0x01, 0x00, 0x00})) return v4_at(ip, 12, true);
  return ip;
}

const char* to_string(PeerVerdict v) {
  switch (v) {
    case PeerVerdict::Allowed:
      return "allowed";
    case PeerVerdict::DeniedDefault:
      return "denied_default";
    case PeerVerdict::DeniedConfig:
      return "denied_config";
    case PeerVerdict::DeniedAlways:
      return "denied_always";
    case PeerVerdict::DeniedOwnService:
      return "denied_own_service";
  }
  return "unknown";
}

PeerPolicy::PeerPolicy(bool use_recommended) {
  if (use_recommended) recommended_ = parse_all(recommended_deny());
}

void PeerPolicy::allow(const Cidr& c) {
  allow_.push_back(canonical_cidr(c));
}
void PeerPolicy::deny(const Cidr& c) {
  deny_.push_back(canonical_cidr(c));
}
void PeerPolicy::add_own_relay_address(const IpAddress& ip) {
  own_.push_back(canonical(ip));
}
void PeerPolicy::set_own_relay_ports(uint16_t min, uint16_t max) {
  own_port_min_ = min;
  own_port_max_ = max;
}

PeerVerdict PeerPolicy::check(const Endpoint& peer) const {
  const IpAddress ip = canonical(peer.ip);
  if (ip.is_v4() ? ip.bytes[0] == 0 : ip.is_unspecified()) return PeerVerdict::DeniedAlways;
  if (any_contains(allow_, ip)) return PeerVerdict::Allowed;  // the operator said so
  if (std::find(own_.begin(), own_.end(), ip) != own_.end()) {
    const bool relay_port = peer.port >= own_port_min_ && peer.port <= own_port_max_;
    return relay_port ? PeerVerdict::Allowed : PeerVerdict::DeniedOwnService;
  }
  return check(ip);
}

bool PeerPolicy::inbound_allowed(const Endpoint& peer) const {
  if (own_.empty()) return true;
  const IpAddress ip = canonical(peer.ip);
  if (std::find(own_.begin(), own_.end(), ip) == own_.end()) return true;
  return allowed(peer);
}

PeerVerdict PeerPolicy::check(const IpAddress& raw) const {
  // Every decision is taken on the canonical form (SECURITY.md §2.2).
  const IpAddress ip = canonical(raw);
  // 0.0.0.0/8 and :: reach this host on Linux (CVE-2020-26262): never overridable.
  if (ip.is_v4() ? ip.bytes[0] == 0 : ip.is_unspecified()) return PeerVerdict::DeniedAlways;
  if (std::find(own_.begin(), own_.end(), ip) != own_.end()) return PeerVerdict::Allowed;
  if (any_contains(allow_, ip)) return PeerVerdict::Allowed;
  if (any_contains(deny_, ip)) return PeerVerdict::DeniedConfig;
  if (any_contains(recommended_, ip)) return PeerVerdict::DeniedDefault;
  return PeerVerdict::Allowed;
}

const std::vector<std::string_view>& PeerPolicy::recommended_deny() {
  // SECURITY.md §2.2 "Recommended A/V Edge default". The transition prefixes
  // (::ffff:0:0/96, 2002::/16, 64:ff9b::/96, 64:ff9b:1::/48, 2001::/32) are listed for
  // completeness: canonical() turns every address in them into the embedded IPv4 address,
  // which the IPv4 rows then judge, so e.g. 6to4 of a public address is allowed.
  static const std::vector<std::string_view> kTable = {
      // Unspecified / "this network" (also DeniedAlways in check()).
      "0.0.0.0/8", "::/128",
      // Loopback.
      "127.0.0.0/8", "::1/128",
      // Link-local incl. cloud metadata 169.254.169.254.
      "169.254.0.0/16", "fe80::/10",
      // Private, ULA, site-local.
      "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fec0::/10",
      // CGNAT (RFC 6598).
      "100.64.0.0/10",
      // Multicast / broadcast.
      "224.0.0.0/4", "255.255.255.255/32", "ff00::/8",
      // Reserved, documentation, benchmarking.
      "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
      "240.0.0.0/4", "2001:db8::/32", "3fff::/20",
      // Transition forms (canonicalised before matching, see above).
      "::ffff:0:0/96", "2002::/16", "64:ff9b::/96", "64:ff9b:1::/48", "2001::/32"};
  return kTable;
}

}  // namespace avedge::turn

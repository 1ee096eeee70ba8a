#include "core/address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace avedge {

namespace {

// Strict decimal port: 1-5 digits, value 0-65535; no sign, no exponent, no whitespace
// (atoi("65536") wrapping to 0 = ephemeral port was a coturn hardening fix, SECURITY.md §1.1).
std::optional<uint16_t> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v > 65535) return std::nullopt;
  return static_cast<uint16_t>(v);
}

// Strict decimal prefix length 0..max.
std::optional<uint8_t> parse_prefix(std::string_view s, unsigned max) {
  if (s.empty() || s.size() > 3) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > max) return std::nullopt;
  return static_cast<uint8_t>(v);
}

}  // namespace

IpAddress IpAddress::v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  IpAddress ip;
  ip.family = Family::V4;
  ip.bytes[0] = a;
  ip.bytes[1] = b;
  ip.bytes[2] = c;
  ip.bytes[3] = d;
  return ip;
}

IpAddress IpAddress::v4(uint32_t host_order) {
  return v4(static_cast<uint8_t>(host_order >> 24), static_cast<uint8_t>(host_order >> 16),
            static_cast<uint8_t>(host_order >> 8), static_cast<uint8_t>(host_order));
}

IpAddress IpAddress::v6(const std::array<uint8_t, 16>& b) {
  IpAddress ip;
  ip.family = Family::V6;
  ip.bytes = b;
  return ip;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; the longest valid text form is 45 chars
  // (INET6_ADDRSTRLEN - 1). Embedded NULs are rejected.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  char buf[INET6_ADDRSTRLEN] = {};
  std::memcpy(buf, text.data(), text.size());
  if (text.find(':') == std::string_view::npos) {
    // inet_pton(AF_INET) accepts only the strict dotted quad (no octal, no short forms).
    in_addr a4{};
    if (inet_pton(AF_INET, buf, &a4) != 1) return std::nullopt;
    IpAddress ip;
    ip.family = Family::V4;
    std::memcpy(ip.bytes.data(), &a4, 4);
    return ip;
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, buf, &a6) != 1) return std::nullopt;
  std::array<uint8_t, 16> b{};
  std::memcpy(b.data(), &a6, 16);
  return v6(b);
}

uint32_t IpAddress::v4_host_order() const {
  return (static_cast<uint32_t>(bytes[0]) << 24) | (static_cast<uint32_t>(bytes[1]) << 16) |
         (static_cast<uint32_t>(bytes[2]) << 8) | static_cast<uint32_t>(bytes[3]);
}

bool IpAddress::is_unspecified() const {
  for (size_t i = 0; i < size(); ++i) {
    if (bytes[i] != 0) return false;
  }
  return true;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (is_v4()) {
    in_addr a4{};
    std::memcpy(&a4, bytes.data(), 4);
    if (inet_ntop(AF_INET, &a4, buf, sizeof buf) == nullptr) return {};
  } else {
    // glibc's inet_ntop follows RFC 5952 §4 (lower case, longest zero run compressed,
    // no single-group "::"), and prints ::ffff:a.b.c.d in mixed notation (§5).
    in6_addr a6{};
    std::memcpy(&a6, bytes.data(), 16);
    if (inet_ntop(AF_INET6, &a6, buf, sizeof buf) == nullptr) return {};
  }
  return buf;
}

std::optional<Endpoint> Endpoint::parse(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    // "[v6]:port" (RFC 3986 §3.2.2 IP-literal).
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (rest.size() < 2 || rest.front() != ':') return std::nullopt;
    port = rest.substr(1);
    if (host.find(':') == std::string_view::npos) return std::nullopt;  // v6 only in brackets
  } else {
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos) {
      return std::nullopt;  // a bare IPv6 address needs brackets
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  auto ip = IpAddress::parse(host);
  auto p = parse_port(port);
  if (!ip || !p) return std::nullopt;
  return Endpoint{*ip, *p};
}

std::string Endpoint::to_string() const {
  // Appending (not "[" + s) sidesteps a GCC 12 -Wrestrict false positive at -O3.
  std::string out;
  if (!ip.is_v4()) out += '[';
  out += ip.to_string();
  if (!ip.is_v4()) out += ']';
  out += ':';
  out += std::to_string(port);
  return out;
}

unsigned Endpoint::to_sockaddr(sockaddr_storage& out) const {
  std::memset(&out, 0, sizeof out);
  if (ip.is_v4()) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    std::memcpy(&sin.sin_addr, ip.bytes.data(), 4);
    std::memcpy(&out, &sin, sizeof sin);
    return sizeof sin;
  }
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  sin6.sin6_port = htons(port);
  std::memcpy(&sin6.sin6_addr, ip.bytes.data(), 16);
  std::memcpy(&out, &sin6, sizeof sin6);
  return sizeof sin6;
}

std::optional<Endpoint> Endpoint::from_sockaddr(const sockaddr* sa) {
  if (sa == nullptr) return std::nullopt;
  // Copy out with memcpy: the caller's buffer need not be aligned for sockaddr_in6.
  sa_family_t fam{};
  std::memcpy(&fam, reinterpret_cast<const char*>(sa) + offsetof(sockaddr, sa_family), sizeof fam);
  Endpoint e;
  if (fam == AF_INET) {
    sockaddr_in sin{};
    std::memcpy(&sin, sa, sizeof sin);
    e.ip.family = Family::V4;
    std::memcpy(e.ip.bytes.data(), &sin.sin_addr, 4);
    e.port = ntohs(sin.sin_port);
    return e;
  }
  if (fam == AF_INET6) {
    sockaddr_in6 sin6{};
    std::memcpy(&sin6, sa, sizeof sin6);
    e.ip.family = Family::V6;
    std::memcpy(e.ip.bytes.data(), &sin6.sin6_addr, 16);
    e.port = ntohs(sin6.sin6_port);
    return e;
  }
  return std::nullopt;
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  const size_t slash = text.find('/');
  auto ip = IpAddress::parse(text.substr(0, slash));
  if (!ip) return std::nullopt;
  const unsigned max = ip->is_v4() ? 32 : 128;
  Cidr c;
  c.base = *ip;
  if (slash == std::string_view::npos) {
    c.prefix = static_cast<uint8_t>(max);
  } else {
    auto p = parse_prefix(text.substr(slash + 1), max);
    if (!p) return std::nullopt;
    c.prefix = *p;
  }
  // Normalise the base to the network address (host bits cleared), so that
  // to_string() shows what contains() matches.
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned bit = i * 8;
    if (bit >= c.prefix) {
      c.base.bytes[i] = 0;
    } else if (c.prefix - bit < 8) {
      c.base.bytes[i] &= static_cast<uint8_t>(0xFFu << (8 - (c.prefix - bit)));
    }
  }
  return c;
}

bool Cidr::contains(const IpAddress& ip) const {
  // Byte-wise comparison of network-order bytes under the mask (CVE-2026-73213 was a
  // component-wise IPv6 range compare). Families never match each other: callers
  // canonicalise IPv4-in-IPv6 forms first.
  if (ip.family != base.family) return false;
  const unsigned max = base.is_v4() ? 32 : 128;
  const unsigned bits = prefix > max ? max : prefix;
  const unsigned full = bits / 8;
  for (unsigned i = 0; i < full; ++i) {
    if (ip.bytes[i] != base.bytes[i]) return false;
  }
  const unsigned rem = bits % 8;
  if (rem != 0) {
    const auto mask = static_cast<uint8_t>(0xFFu << (8 - rem));
    if ((ip.bytes[full] & mask) != (base.bytes[full] & mask)) return false;
  }
  return true;
}

std::string Cidr::to_string() const {
  return base.to_string() + "/" + std::to_string(prefix);
}

size_t EndpointHash::operator()(const Endpoint& e) const noexcept {
  // FNV-1a over family, address bytes and port.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](uint8_t b) {
    h ^= b;
    h *= 1099511628211ull;
  };
  mix(static_cast<uint8_t>(e.ip.family));
  for (size_t i = 0; i < e.ip.size(); ++i) mix(e.ip.bytes[i]);
  mix(static_cast<uint8_t>(e.port >> 8));
  mix(static_cast<uint8_t>(e.port));
  return static_cast<size_t>(h);
}

}  // namespace avedge

// IP addresses and transport endpoints as plain values: no sockets, no DNS.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

struct sockaddr;
struct sockaddr_storage;

namespace avedge {

enum class Family : uint8_t { V4 = 4, V6 = 6 };

// An IPv4 or IPv6 address. IPv4 uses bytes[0..3]; the rest stays zero.
struct IpAddress {
  Family family = Family::V4;
  std::array<uint8_t, 16> bytes{};

  static IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
  static IpAddress v4(uint32_t host_order);
  static IpAddress v6(const std::array<uint8_t, 16>& b);
  // Accepts dotted quad or any RFC 4291/5952 IPv6 text form (no brackets, no zone).
  static std::optional<IpAddress> parse(std::string_view text);

  [[nodiscard]] size_t size() const { return family == Family::V4 ? 4 : 16; }
  [[nodiscard]] bool is_v4() const { return family == Family::V4; }
  [[nodiscard]] uint32_t v4_host_order() const;
  [[nodiscard]] bool is_unspecified() const;
  [[nodiscard]] std::string to_string() const;  // RFC 5952 canonical text for IPv6
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// An IP address with a port: a transport address (RFC 8489 §3).
struct Endpoint {
  IpAddress ip;
  uint16_t port = 0;

  // "1.2.3.4:5", "[::1]:5"
  static std::optional<Endpoint> parse(std::string_view text);
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;

  // Conversion to and from the socket API; returns the sockaddr length used.
  unsigned to_sockaddr(sockaddr_storage& out) const;
  static std::optional<Endpoint> from_sockaddr(const sockaddr* sa);
};

// A CIDR block, e.g. 10.0.0.0/8 or fc00::/7.
struct Cidr {
  IpAddress base;
  uint8_t prefix = 0;
  // "10.0.0.0/8", "::1/128", or a bare address (full-length prefix).
  static std::optional<Cidr> parse(std::string_view text);
  [[nodiscard]] bool contains(const IpAddress& ip) const;  // same family only
  [[nodiscard]] std::string to_string() const;
};

struct EndpointHash {
  size_t operator()(const Endpoint& e) const noexcept;
};

}  // namespace avedge

template <>
struct std::hash<avedge::Endpoint> : avedge::EndpointHash {};

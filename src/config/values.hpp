// Parsers for single configuration values, shared by the TOML loader and the command-line
// flags. Each returns the value or a cause and a fix; the caller adds where.
#pragma once

#include <string_view>
#include <utility>

#include "config/config.hpp"
#include "config/problem.hpp"

namespace avedge::config {

// "udp://127.0.0.1:3478", "tcp+tls://[::]:443"
Parsed<Listener> parse_listener(std::string_view url);
// "50000-59999"
Parsed<PortRange> parse_port_range(std::string_view text);
Parsed<IpAddress> parse_ip(std::string_view text);
// "10.0.0.0/8", "fc00::/7" or a bare address.
Parsed<Cidr> parse_cidr(std::string_view text);
// "alice:secret" → (name, password)
Parsed<std::pair<std::string, std::string>> parse_user_pair(std::string_view text);
Parsed<std::string> parse_log_level(std::string_view text);
// "recommended" → true, "none" → false
Parsed<bool> parse_peers_deny(std::string_view text);
Parsed<std::string> parse_user_name(std::string_view text);
// "av1.contoso.com": letters, digits, '-' and '.', labels of 1-63, at most 253 (RFC 1035 §2.3.4).
Parsed<std::string> parse_dns_name(std::string_view text);
// A pool name or key id: 1 to max printable ASCII characters, no spaces ("EDGEPOOL01", "k1").
Parsed<std::string> parse_token(std::string_view text, size_t max, std::string_view example);
// "127.0.0.1:8080", "[::1]:8080"
Parsed<Endpoint> parse_endpoint(std::string_view text);

}  // namespace avedge::config

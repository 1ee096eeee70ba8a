#include "config/values.hpp"

#include <array>
#include <charconv>

#include <fmt/format.h>

namespace avedge::config {

namespace {

constexpr std::array<std::pair<std::string_view, ListenerKind>, 4> kSchemes{{
    {"udp", ListenerKind::Udp},
    {"tcp", ListenerKind::Tcp},
    {"tls", ListenerKind::Tls},
    {"tcp+tls", ListenerKind::TcpTls},
}};

std::optional<uint32_t> parse_uint(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

Parsed<Listener> parse_listener(std::string_view url) {
  const char* const fix =
      "write \"udp://IP:PORT\", \"tcp://IP:PORT\", \"tls://IP:PORT\" or \"tcp+tls://IP:PORT\", "
      "e.g. \"udp://0.0.0.0:3478\" or \"tcp://[::]:3478\"";
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return Parsed<Listener>::bad("missing scheme", fix);
  const std::string_view sch = url.substr(0, sep);
  const std::string_view rest = url.substr(sep + 3);
  Listener l;
  bool found = false;
  for (const auto& [name, kind] : kSchemes) {
    if (sch == name) {
      l.kind = kind;
      found = true;
    }
  }
  if (!found) return Parsed<Listener>::bad(fmt::format("unknown scheme \"{}\"", sch), fix);
  const size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == rest.size()) {
    return Parsed<Listener>::bad("missing port", fix);
  }
  const auto port = parse_uint(rest.substr(colon + 1));
  if (!port || *port > 65535) return Parsed<Listener>::bad("port not in 0-65535", fix);
  std::string_view host = rest.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return Parsed<Listener>::bad("IPv6 address without brackets", fix);
  }
  const auto ip = IpAddress::parse(host);
  if (!ip) {
    return Parsed<Listener>::bad(fmt::format("\"{}\" is not an IP address (no host names)", host),
                                 fix);
  }
  l.endpoint = Endpoint{*ip, static_cast<uint16_t>(*port)};
  return Parsed<Listener>::good(l);
}

Parsed<PortRange> parse_port_range(std::string_view text) {
  const char* const fix = "write \"50000-59999\"";
  const size_t dash = text.find('-');
  if (dash == std::string_view::npos) return Parsed<PortRange>::bad("expected START-END", fix);
  const auto a = parse_uint(text.substr(0, dash));
  const auto b = parse_uint(text.substr(dash + 1));
  if (!a || !b) return Parsed<PortRange>::bad("ports must be numbers", fix);
  if (*a > 65535 || *b > 65535) return Parsed<PortRange>::bad("port above 65535", fix);
  if (*a < 1024) {
    return Parsed<PortRange>::bad("start below 1024 (privileged and well-known ports)", fix);
  }
  if (*a > *b) return Parsed<PortRange>::bad("start above end", fix);
  // EVEN-PORT (RFC 8656 §14.6) needs an even port in the range.
  if (*a == *b)
    return Parsed<PortRange>::bad("a single port cannot serve several allocations", fix);
  return Parsed<PortRange>::good(PortRange{static_cast<uint16_t>(*a), static_cast<uint16_t>(*b)});
}

Parsed<IpAddress> parse_ip(std::string_view text) {
  std::string_view t = text;
  if (t.size() >= 2 && t.front() == '[' && t.back() == ']') t = t.substr(1, t.size() - 2);
  const auto ip = IpAddress::parse(t);
  if (!ip) {
    return Parsed<IpAddress>::bad("not an IP address",
                                  "write an IPv4 or IPv6 address, e.g. \"203.0.113.10\"");
  }
  return Parsed<IpAddress>::good(*ip);
}

Parsed<Cidr> parse_cidr(std::string_view text) {
  const auto c = Cidr::parse(text);
  if (!c) {
    return Parsed<Cidr>::bad("not a CIDR block",
                             "write an address with a prefix length, e.g. \"10.1.0.0/16\" or "
                             "\"2001:db8::/32\"");
  }
  return Parsed<Cidr>::good(*c);
}

Parsed<std::string> parse_user_name(std::string_view text) {
  if (text.empty()) return Parsed<std::string>::bad("empty user name", "write a name");
  if (text.find(':') != std::string_view::npos) {
    // TURN REST usernames are "expiry:user"; a static name with ':' would be ambiguous.
    return Parsed<std::string>::bad("':' in a user name", "remove the ':' from the name");
  }
  if (text.size() > 500) {
    // RFC 8489 §14.3: USERNAME is less than 509 bytes.
    return Parsed<std::string>::bad("user name too long", "use fewer than 500 bytes");
  }
  return Parsed<std::string>::good(std::string(text));
}

Parsed<std::pair<std::string, std::string>> parse_user_pair(std::string_view text) {
  using R = Parsed<std::pair<std::string, std::string>>;
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return R::bad("expected NAME:PASSWORD", "write \"alice:a-long-password\"");
  }
  auto name = parse_user_name(text.substr(0, colon));
  if (!name.ok()) return R::bad(name.problem.cause, name.problem.fix);
  const std::string_view pass = text.substr(colon + 1);
  if (pass.empty()) return R::bad("empty password", "write \"alice:a-long-password\"");
  return R::good({*name.value, std::string(pass)});
}

Parsed<std::string> parse_log_level(std::string_view text) {
  static constexpr std::array<std::string_view, 7> kLevels{"trace", "debug",    "info", "warn",
                                                           "error", "critical", "off"};
  for (auto l : kLevels) {
    if (text == l) return Parsed<std::string>::good(std::string(text));
  }
  return Parsed<std::string>::bad("unknown log level",
                                  "write one of trace, debug, info, warn, error, critical, off");
}

Parsed<bool> parse_peers_deny(std::string_view text) {
  if (text == "recommended") return Parsed<bool>::good(true);
  if (text == "none") return Parsed<bool>::good(false);
  return Parsed<bool>::bad("unknown value", "write \"recommended\" (the safe default) or \"none\"");
}

Parsed<std::string> parse_dns_name(std::string_view text) {
  const char* const fix = "write a host name such as \"av1.contoso.com\"";
  if (text.empty() || text.size() > 253)
    return Parsed<std::string>::bad("1 to 253 characters", fix);
  size_t label = 0;
  for (char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (c == '.') {
      if (label == 0) return Parsed<std::string>::bad("empty label", fix);
      label = 0;
      continue;
    }
    if (!alnum && c != '-') {
      return Parsed<std::string>::bad(fmt::format("'{}' is not allowed in a host name", c), fix);
    }
    if (++label > 63) return Parsed<std::string>::bad("a label is longer than 63 characters", fix);
  }
  if (label == 0 && text.back() != '.') return Parsed<std::string>::bad("empty label", fix);
  return Parsed<std::string>::good(std::string(text));
}

Parsed<std::string> parse_token(std::string_view text, size_t max, std::string_view example) {
  const std::string fix = fmt::format("write {}", example);
  if (text.empty() || text.size() > max) {
    return Parsed<std::string>::bad(fmt::format("must be 1 to {} characters", max), fix);
  }
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f) {
      return Parsed<std::string>::bad("only printable ASCII characters without spaces", fix);
    }
  }
  return Parsed<std::string>::good(std::string(text));
}

Parsed<Endpoint> parse_endpoint(std::string_view text) {
  if (auto e = Endpoint::parse(text)) return Parsed<Endpoint>::good(*e);
  return Parsed<Endpoint>::bad("not IP:PORT", "write \"127.0.0.1:8080\" or \"[::1]:8080\"");
}

}  // namespace avedge::config

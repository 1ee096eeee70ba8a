#include "config/config.hpp"

#include <fmt/format.h>

namespace avedge::config {

std::string SourcePos::to_string() const {
  if (line == 0) return file;
  return fmt::format("{}:{}", file, line);
}

SourcePos builtin_pos() {
  return SourcePos{"(built-in)", 0};
}

const char* scheme(ListenerKind k) {
  switch (k) {
    case ListenerKind::Udp:
      return "udp";
    case ListenerKind::Tcp:
      return "tcp";
    case ListenerKind::Tls:
      return "tls";
    case ListenerKind::TcpTls:
      return "tcp+tls";
  }
  return "?";
}

std::string Listener::url() const {
  return fmt::format("{}://{}", scheme(kind), endpoint.to_string());
}

std::string PortRange::to_string() const {
  return fmt::format("{}-{}", first, last);
}

bool Config::has_tls_listener() const {
  for (const auto& l : listeners) {
    if (l.uses_tls()) return true;
  }
  return false;
}

std::optional<IpAddress> Config::relay_ip(Family f) const {
  for (const auto& ip : relay_ips) {
    if (ip.value.family == f) return ip.value;
  }
  return std::nullopt;
}

}  // namespace avedge::config

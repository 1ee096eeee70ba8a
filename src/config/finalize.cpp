#include "config/finalize.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "config/admin_rules.hpp"
#include "config/durations.hpp"

namespace avedge::config {

namespace {

SourcePos whole_config() {
  return SourcePos{"configuration", 0};
}

void check_listeners(const Config& cfg, Errors& errors) {
  if (cfg.listeners.empty()) {
    errors.push_back(ConfigError{whole_config(), "no listener",
                                 "write listen = [\"udp://0.0.0.0:3478\"] under [edge], or pass "
                                 "--listen udp://0.0.0.0:3478"});
  }
  for (size_t i = 0; i < cfg.listeners.size(); ++i) {
    const Listener& a = cfg.listeners[i];
    for (size_t j = 0; j < i; ++j) {
      const Listener& b = cfg.listeners[j];
      const bool a_udp = a.kind == ListenerKind::Udp;
      const bool b_udp = b.kind == ListenerKind::Udp;
      if (a_udp == b_udp && a.endpoint == b.endpoint && a.endpoint.port != 0) {
        errors.push_back(ConfigError{
            a.where,
            fmt::format("listen \"{}\": same {} port as \"{}\" ({})", a.url(),
                        a_udp ? "UDP" : "TCP", b.url(), b.where.to_string()),
            "use tcp+tls:// to serve TLS and plain TCP on one port, or pick another port"});
      }
    }
  }
}

void derive_relay_ips(Config& cfg, Errors& errors) {
  if (!cfg.relay_ips.empty() || cfg.listeners.empty()) return;
  const Listener& first = cfg.listeners.front();
  if (first.endpoint.ip.is_unspecified()) {
    errors.push_back(ConfigError{
        first.where,
        fmt::format("relay_ips not set and the first listener \"{}\" has no concrete address to "
                    "derive it from",
                    first.url()),
        "write relay_ips = [\"<this host's public IP>\"] under [edge], or pass --relay-ip IP"});
    return;
  }
  cfg.relay_ips.push_back({first.endpoint.ip, first.where});
}

void check_relay_ips(const Config& cfg, Errors& errors) {
  for (size_t i = 0; i < cfg.relay_ips.size(); ++i) {
    const auto& ip = cfg.relay_ips[i];
    if (ip.value.is_unspecified()) {
      errors.push_back(ConfigError{
          ip.where, fmt::format("relay_ips \"{}\": not a concrete address", ip.value.to_string()),
          "clients are told this address: write this host's public IP, e.g. \"203.0.113.10\""});
    }
    for (size_t j = 0; j < i; ++j) {
      if (cfg.relay_ips[j].value.family == ip.value.family) {
        errors.push_back(
            ConfigError{ip.where,
                        fmt::format("relay_ips \"{}\": a second IPv{} relay address (first at {})",
                                    ip.value.to_string(), ip.value.is_v4() ? 4 : 6,
                                    cfg.relay_ips[j].where.to_string()),
                        "keep one IPv4 and/or one IPv6 address"});
      }
    }
  }
}

void check_lifetimes(const Config& cfg, Errors& errors) {
  const LifetimesConfig& l = cfg.lifetimes;
  const std::pair<const char*, const Located<Seconds>*> all[] = {{"default", &l.default_lifetime},
                                                                 {"max", &l.max_lifetime},
                                                                 {"permission", &l.permission},
                                                                 {"channel", &l.channel},
                                                                 {"nonce", &l.nonce}};
  for (const auto& [name, v] : all) {
    if (v->value.count() < 1) {
      errors.push_back(ConfigError{v->where, fmt::format("lifetimes.{}: must be positive", name),
                                   fmt::format("write {} = \"10m\"", name)});
    }
  }
  if (l.default_lifetime.value > l.max_lifetime.value) {
    errors.push_back(ConfigError{
        l.default_lifetime.where,
        fmt::format("lifetimes.default \"{}\": above max \"{}\"",
                    format_duration(l.default_lifetime.value),
                    format_duration(l.max_lifetime.value)),
        fmt::format("write default = \"{}\" or raise max", format_duration(l.max_lifetime.value))});
  }
  if (l.nonce.value > Seconds{3600}) {
    // RFC 8656 §5 / auth/nonce.hpp: a nonce lives at most one hour.
    errors.push_back(
        ConfigError{l.nonce.where, "lifetimes.nonce: above one hour", "write nonce = \"10m\""});
  }
}

bool readable(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

void check_tls(Config& cfg, Errors& errors) {
  TlsConfig& t = cfg.tls;
  if (t.cert.value.empty() && !t.key.value.empty()) {
    errors.push_back(ConfigError{t.key.where, "tls.key set without tls.cert",
                                 "write cert = \"/path/cert.pem\" too, or leave both empty for a "
                                 "generated self-signed certificate"});
    return;
  }
  if (t.cert.value.empty()) return;         // generated at start when a TLS listener exists
  if (t.key.value.empty()) t.key = t.cert;  // one PEM file holding both
  if (!readable(t.cert.value)) {
    errors.push_back(ConfigError{t.cert.where,
                                 fmt::format("tls.cert \"{}\": no such file", t.cert.value),
                                 "check the path (relative to the config file's folder)"});
  }
  if (t.key.value != t.cert.value && !readable(t.key.value)) {
    errors.push_back(ConfigError{t.key.where,
                                 fmt::format("tls.key \"{}\": no such file", t.key.value),
                                 "check the path (relative to the config file's folder)"});
  }
}

}  // namespace

void check_fast_path(const Config& cfg, Errors& errors) {
  if (cfg.fast_path.value == "tc" && cfg.fast_path_interfaces.empty()) {
    errors.push_back(ConfigError{cfg.fast_path.where,
                                 "fast_path = \"tc\" without fast_path_interfaces",
                                 "add fast_path_interfaces = [\"eth0\"] under [edge]: the "
                                 "interfaces client and peer traffic arrive on"});
  }
}

Errors finalize(Config& cfg) {
  Errors errors;
  check_listeners(cfg, errors);
  derive_relay_ips(cfg, errors);
  check_relay_ips(cfg, errors);
  check_lifetimes(cfg, errors);
  check_tls(cfg, errors);
  check_fast_path(cfg, errors);
  check_admin(cfg.admin, errors);
  return errors;
}

}  // namespace avedge::config

#include "config/overrides.hpp"

#include <fmt/format.h>

#include "config/admin_rules.hpp"
#include "config/values.hpp"

namespace avedge::config {

namespace {

SourcePos flag(std::string_view name) {
  return SourcePos{std::string(name), 0};
}
}  // namespace

Errors apply_overrides(const Overrides& o, Config& cfg) {
  Errors errors;
  auto bad = [&](std::string_view name, const std::string& raw, const Problem& p, bool secret) {
    // Never echo a password or a secret.
    errors.push_back(
        ConfigError{flag(name), secret ? p.cause : fmt::format("\"{}\": {}", raw, p.cause), p.fix});
  };

  if (o.admin) {
    auto r = parse_admin_listen(*o.admin);
    if (r.ok()) {
      cfg.admin.listen = {*r.value, flag("--admin")};
    } else {
      bad("--admin", *o.admin, r.problem, false);
    }
  }
  if (!o.listen.empty()) {
    cfg.listeners.clear();
    for (const auto& s : o.listen) {
      auto r = parse_listener(s);
      if (!r.ok()) {
        bad("--listen", s, r.problem, false);
        continue;
      }
      r.value->where = flag("--listen");
      cfg.listeners.push_back(*r.value);
    }
  }
  if (!o.relay_ips.empty()) {
    cfg.relay_ips.clear();
    for (const auto& s : o.relay_ips) {
      auto r = parse_ip(s);
      if (!r.ok()) {
        bad("--relay-ip", s, r.problem, false);
        continue;
      }
      cfg.relay_ips.push_back({*r.value, flag("--relay-ip")});
    }
  }
  if (o.relay_ports) {
    auto r = parse_port_range(*o.relay_ports);
    if (r.ok()) {
      cfg.relay_ports = {*r.value, flag("--relay-ports")};
    } else {
      bad("--relay-ports", *o.relay_ports, r.problem, false);
    }
  }
  if (o.realm) {
    if (o.realm->empty() || o.realm->size() > 127) {
      bad("--realm", *o.realm, Problem{"must be 1 to 127 characters", "write --realm example.com"},
          false);
    } else {
      cfg.realm = {*o.realm, flag("--realm")};
    }
  }
  if (!o.users.empty()) {
    cfg.users.clear();
    for (const auto& s : o.users) {
      auto r = parse_user_pair(s);
      if (!r.ok()) {
        bad("--user", s, r.problem, true);
        continue;
      }
      cfg.users.push_back(StaticUser{r.value->first, r.value->second, flag("--user")});
    }
  }
  if (!o.secrets.empty()) {
    cfg.secrets.clear();
    for (const auto& s : o.secrets) {
      if (s.size() < 16) {
        bad("--secret", s,
            Problem{"secret shorter than 16 characters",
                    "use e.g. --secret $(openssl rand -hex 32)"},
            true);
        continue;
      }
      cfg.secrets.push_back({s, flag("--secret")});
    }
  }
  if (!o.allow_peers.empty()) {
    cfg.peers.allow.clear();
    for (const auto& s : o.allow_peers) {
      auto r = parse_cidr(s);
      if (!r.ok()) {
        bad("--allow-peer", s, r.problem, false);
        continue;
      }
      cfg.peers.allow.push_back({*r.value, flag("--allow-peer")});
    }
  }
  if (o.workers) {
    if (*o.workers > 1024) {
      bad("--workers", std::to_string(*o.workers),
          Problem{"must be 0 to 1024", "write --workers 0 (one per core)"}, false);
    } else {
      cfg.workers = {*o.workers, flag("--workers")};
    }
  }
  if (o.log_level) {
    auto r = parse_log_level(*o.log_level);
    if (r.ok()) {
      cfg.log_level = {*r.value, flag("--log-level")};
    } else {
      bad("--log-level", *o.log_level, r.problem, false);
    }
  }
  return errors;
}

}  // namespace avedge::config

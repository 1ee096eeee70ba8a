#include "config/reload_diff.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include <fmt/format.h>

namespace avedge::config {

namespace {

std::string text(const std::string& s) {
  return "\"" + s + "\"";
}
std::string text(bool b) {
  return b ? "true" : "false";
}
std::string text(uint64_t n) {
  return std::to_string(n);
}
std::string text(unsigned n) {
  return std::to_string(n);
}
std::string text(Seconds s) {
  return std::to_string(s.count()) + "s";
}
std::string text(const PortRange& r) {
  return r.to_string();
}
std::string text(const std::optional<Endpoint>& e) {
  return e ? e->to_string() : "off";
}

template <typename T>
std::string list_text(const std::vector<T>& v, const std::function<std::string(const T&)>& f) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + f(v[i]);
  return out + "]";
}

SourcePos first_where(const auto& v, const SourcePos& fallback) {
  return v.empty() ? fallback : v.front().where;
}

class Differ {
 public:
  std::vector<ConfigChange> out;

  template <typename T>
  void value(const char* key, const Located<T>& a, const Located<T>& b, bool restart) {
    if (text(a.value) != text(b.value)) {
      out.push_back({key, b.where, text(a.value) + " -> " + text(b.value), restart});
    }
  }
  void secret(const char* key, bool differ, const SourcePos& where, bool restart = false) {
    if (differ) out.push_back({key, where, "changed", restart});
  }
  void list(const char* key, const std::string& a, const std::string& b, const SourcePos& where,
            bool restart) {
    if (a != b) out.push_back({key, where, a + " -> " + b, restart});
  }
};

std::string listeners_text(const std::vector<Listener>& v) {
  return list_text<Listener>(v, [](const Listener& l) { return l.url(); });
}
std::string ips_text(const std::vector<Located<IpAddress>>& v) {
  return list_text<Located<IpAddress>>(v, [](const auto& i) { return i.value.to_string(); });
}
std::string names_text(const std::vector<Located<std::string>>& v) {
  return list_text<Located<std::string>>(v, [](const auto& n) { return n.value; });
}
std::string cidrs_text(const std::vector<Located<Cidr>>& v) {
  return list_text<Located<Cidr>>(v, [](const auto& c) { return c.value.to_string(); });
}

// Users by name: added, removed, password changed (never the password itself).
void users(Differ& d, const Config& a, const Config& b) {
  std::set<std::string> names_a;
  std::set<std::string> names_b;
  for (const auto& u : a.users) names_a.insert(u.name);
  for (const auto& u : b.users) names_b.insert(u.name);
  std::vector<std::string> parts;
  for (const auto& n : names_b) {
    if (!names_a.contains(n)) parts.push_back("added " + n);
  }
  for (const auto& n : names_a) {
    if (!names_b.contains(n)) parts.push_back("removed " + n);
  }
  for (const auto& ub : b.users) {
    const auto ua = std::find_if(a.users.begin(), a.users.end(),
                                 [&](const StaticUser& u) { return u.name == ub.name; });
    if (ua != a.users.end() && ua->password != ub.password) {
      parts.push_back("password of " + ub.name + " changed");
    }
  }
  if (parts.empty()) return;
  std::string detail;
  for (size_t i = 0; i < parts.size(); ++i) detail += (i ? ", " : "") + parts[i];
  d.out.push_back(
      {"auth.users", first_where(b.users, first_where(a.users, builtin_pos())), detail, false});
}

bool secrets_differ(const std::vector<Located<std::string>>& a,
                    const std::vector<Located<std::string>>& b) {
  return !std::equal(a.begin(), a.end(), b.begin(), b.end(),
                     [](const auto& x, const auto& y) { return x.value == y.value; });
}

bool pool_keys_differ(const EdgePool* a, const EdgePool* b) {
  if ((a == nullptr) != (b == nullptr)) return true;
  if (a == nullptr) return false;
  return !std::equal(a->secrets.begin(), a->secrets.end(), b->secrets.begin(), b->secrets.end(),
                     [](const PoolSecret& x, const PoolSecret& y) {
                       return x.id.value == y.id.value && x.value.value == y.value.value;
                     });
}

// Pools, front ends and edges other than this pool's keys: MRAS and drain read them at start.
std::string topology_shape(const Topology& t) {
  std::string s;
  for (const auto& p : t.edge_pools) {
    s += p.name.value + " " + p.public_fqdn.value + " " + p.internal_fqdn.value + " " +
         ips_text(p.public_ips) + " " + std::to_string(p.turn_udp_port.value) + "/" +
         std::to_string(p.turn_tcp_port.value) + " " + text(p.token_lifetime.value) + ";";
    for (const auto& e : p.edges) {
      s += e.name.value + "=" + (e.internal_ip ? e.internal_ip->value.to_string() : "") + "/" +
           (e.public_ip ? e.public_ip->value.to_string() : "") + ",";
    }
    for (const auto& f : p.authorized_internal_servers) s += f.value + ",";
  }
  for (const auto& f : t.frontend_pools) {
    s += f.name.value + " " + f.fqdn.value + " " + f.edge_pool.value + " " + f.api_key.value + " " +
         ips_text(f.addresses) + ";";
  }
  for (const auto& d : t.sip_domains) s += d.value + ",";
  return s + t.default_routing_domain.value + "|" + t.this_pool.value;
}

}  // namespace

std::vector<ConfigChange> diff_configs(const Config& a, const Config& b, bool tls_files_changed) {
  Differ d;
  // Applied by a running edge: credentials, peer policy, quotas, certificates, logging.
  users(d, a, b);
  d.secret("auth.secrets", secrets_differ(a.secrets, b.secrets),
           first_where(b.secrets, first_where(a.secrets, builtin_pos())));
  const EdgePool* pa = a.topology.find_pool(a.topology.this_pool.value);
  const EdgePool* pb = b.topology.find_pool(b.topology.this_pool.value);
  d.secret("edge_pool.secrets", pool_keys_differ(pa, pb),
           pb != nullptr ? pb->name.where : builtin_pos());
  // MRAS signs with the keys it started with (restart to issue with the new first key).
  const bool mras = b.topology.mras.http_listen || !b.topology.mras.sip_listen.empty();
  d.secret("edge_pool.secrets (MRAS issuing)", mras && pool_keys_differ(pa, pb),
           pb != nullptr ? pb->name.where : builtin_pos(), true);
  d.value("peers.deny", a.peers.recommended, b.peers.recommended, false);
  d.list("peers.allow", cidrs_text(a.peers.allow), cidrs_text(b.peers.allow),
         first_where(b.peers.allow, first_where(a.peers.allow, builtin_pos())), false);
  d.list("peers.deny_extra", cidrs_text(a.peers.deny_extra), cidrs_text(b.peers.deny_extra),
         first_where(b.peers.deny_extra, first_where(a.peers.deny_extra, builtin_pos())), false);
  d.value("quota.total", a.quota.total, b.quota.total, false);
  d.value("quota.per_user", a.quota.per_user, b.quota.per_user, false);
  d.value("quota.per_ip", a.quota.per_ip, b.quota.per_ip, false);
  d.value("tls.cert", a.tls.cert, b.tls.cert, false);
  d.value("tls.key", a.tls.key, b.tls.key, false);
  if (tls_files_changed && a.tls.cert.value == b.tls.cert.value &&
      a.tls.key.value == b.tls.key.value) {
    d.out.push_back({"tls.cert", b.tls.cert.where, "file contents changed", false});
  }
  d.value("log.level", a.log_level, b.log_level, false);
  d.value("log.events_rate", a.log_events_rate, b.log_events_rate, false);
  // Read once at start: listeners, sockets, threads, the protocol settings of every worker.
  d.list("edge.listen", listeners_text(a.listeners), listeners_text(b.listeners),
         first_where(b.listeners, first_where(a.listeners, builtin_pos())), true);
  d.list("edge.relay_ips", ips_text(a.relay_ips), ips_text(b.relay_ips),
         first_where(b.relay_ips, first_where(a.relay_ips, builtin_pos())), true);
  d.value("edge.relay_ports", a.relay_ports, b.relay_ports, true);
  d.value("edge.workers", a.workers, b.workers, true);
  d.value("edge.latency_budget_us", a.latency_budget_us, b.latency_budget_us, true);
  d.value("edge.latency_budget_when_cheaper", a.latency_budget_when_cheaper,
          b.latency_budget_when_cheaper, true);
  d.value("edge.busy_poll_us", a.busy_poll_us, b.busy_poll_us, true);
  d.value("edge.realm", a.realm, b.realm, true);
  d.value("edge.software", a.software, b.software, true);
  d.value("edge.fast_path", a.fast_path, b.fast_path, true);
  d.list("edge.fast_path_interfaces", names_text(a.fast_path_interfaces),
         names_text(b.fast_path_interfaces),
         first_where(b.fast_path_interfaces, first_where(a.fast_path_interfaces, builtin_pos())),
         true);
  d.value("edge.strict_channel_numbers", a.strict_channel_numbers, b.strict_channel_numbers, true);
  d.value("edge.diagnostic_reasons", a.topology.diagnostic_reasons, b.topology.diagnostic_reasons,
          true);
  d.value("lifetimes.default", a.lifetimes.default_lifetime, b.lifetimes.default_lifetime, true);
  d.value("lifetimes.max", a.lifetimes.max_lifetime, b.lifetimes.max_lifetime, true);
  d.value("lifetimes.permission", a.lifetimes.permission, b.lifetimes.permission, true);
  d.value("lifetimes.channel", a.lifetimes.channel, b.lifetimes.channel, true);
  d.value("lifetimes.nonce", a.lifetimes.nonce, b.lifetimes.nonce, true);
  d.value("limits.challenges_per_second", a.limits.challenges_per_second,
          b.limits.challenges_per_second, true);
  d.value("limits.challenges_burst", a.limits.challenges_burst, b.limits.challenges_burst, true);
  d.value("limits.connections_total", a.limits.connections_total, b.limits.connections_total, true);
  d.value("limits.connections_per_ip", a.limits.connections_per_ip, b.limits.connections_per_ip,
          true);
  d.value("limits.idle_timeout", a.limits.idle_timeout, b.limits.idle_timeout, true);
  d.value("limits.max_message_size", a.limits.max_message_size, b.limits.max_message_size, true);
  d.value("log.events", a.log_events, b.log_events, true);
  d.value("admin.listen", a.admin.listen, b.admin.listen, true);
  d.secret("admin.token", a.admin.token.value != b.admin.token.value, b.admin.token.where, true);
  d.list("mras.sip_listen", listeners_text(a.topology.mras.sip_listen),
         listeners_text(b.topology.mras.sip_listen),
         first_where(b.topology.mras.sip_listen, builtin_pos()), true);
  const auto http = [](const Topology& t) {
    return t.mras.http_listen ? t.mras.http_listen->value.to_string() : std::string("off");
  };
  d.list("mras.http_listen", http(a.topology), http(b.topology),
         b.topology.mras.http_listen ? b.topology.mras.http_listen->where : builtin_pos(), true);
  // Pool shapes may carry API keys: say "changed", never the value.
  d.secret("topology (pools, front ends, edges)",
           topology_shape(a.topology) != topology_shape(b.topology), b.topology.this_pool.where,
           true);
  return d.out;
}

std::string to_string(const ConfigChange& c, bool dry_run) {
  const char* what =
      c.restart ? "needs a restart, not applied" : (dry_run ? "would be applied" : "applied");
  return fmt::format("{}  {}  {}  ({})", c.key, c.where.to_string(), c.detail, what);
}

void keep_restart_only(const Config& a, Config& b) {
  b.listeners = a.listeners;
  b.relay_ips = a.relay_ips;
  b.relay_ports = a.relay_ports;
  b.workers = a.workers;
  b.latency_budget_us = a.latency_budget_us;
  b.latency_budget_when_cheaper = a.latency_budget_when_cheaper;
  b.busy_poll_us = a.busy_poll_us;
  b.realm = a.realm;
  b.software = a.software;
  b.fast_path = a.fast_path;
  b.fast_path_interfaces = a.fast_path_interfaces;
  b.strict_channel_numbers = a.strict_channel_numbers;
  b.lifetimes = a.lifetimes;
  b.limits = a.limits;
  b.log_events = a.log_events;
  b.admin = a.admin;
  // This pool's keys are applied; everything else of the topology stays as started.
  std::vector<PoolSecret> keys;
  if (const EdgePool* p = b.topology.find_pool(b.topology.this_pool.value)) keys = p->secrets;
  b.topology = a.topology;
  for (auto& p : b.topology.edge_pools) {
    if (p.name.value == b.topology.this_pool.value) p.secrets = keys;
  }
}

}  // namespace avedge::config

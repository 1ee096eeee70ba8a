// plan_probe and parse_transports: from the options and the configuration to what the probe
// asks (front end, MRAS channel and address, TLS trust), or why it cannot run.
#include <fmt/format.h>

#include <algorithm>

#include "probe/probe.hpp"

namespace avedge::probe {

namespace {

bool listed(const config::EdgePool& p, std::string_view fqdn) {
  return std::any_of(p.authorized_internal_servers.begin(), p.authorized_internal_servers.end(),
                     [&](const auto& s) { return s.value == fqdn; });
}

const config::Listener* sip_listener(const config::Config& cfg, config::ListenerKind k) {
  for (const auto& l : cfg.topology.mras.sip_listen) {
    if (l.kind == k) return &l;
  }
  return nullptr;
}

}  // namespace

Endpoint reachable(Endpoint ep) {
  if (ep.ip.is_unspecified()) {
    ep.ip = ep.ip.is_v4() ? IpAddress::v4(127, 0, 0, 1) : *IpAddress::parse("::1");
  }
  return ep;
}

std::vector<Proto> parse_transports(const std::string& list, std::string& error) {
  std::vector<Proto> out;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string word = list.substr(start, comma - start);
    if (word == "udp") {
      out.push_back(Proto::Udp);
    } else if (word == "tcp") {
      out.push_back(Proto::Tcp);
    } else if (word == "tls") {
      out.push_back(Proto::Tls);
    } else {
      error = fmt::format(
          "--transports: unknown transport \"{}\"; write udp, tcp and/or tls "
          "separated by commas",
          word);
      return {};
    }
    start = comma + 1;
  }
  return out;
}

std::string plan_probe(const config::Config& cfg, const ProbeOptions& o, Plan& plan) {
  const config::Topology& t = cfg.topology;
  plan.pool = t.find_pool(o.pool);
  if (plan.pool == nullptr) {
    std::string names;
    for (const auto& p : t.edge_pools) names += (names.empty() ? "" : ", ") + p.name.value;
    return fmt::format("--pool {}: no such [[edge_pool]] (edge pools: {})", o.pool,
                       names.empty() ? "none" : names);
  }
  TlsOptions trust;
  trust.insecure = o.insecure;
  // The configured certificate (it may hold the CA chain) is what an edge of this config shows.
  trust.ca_file = !o.ca_file.empty() ? o.ca_file : cfg.tls.cert.value;
  plan.turn_tls = trust;
  if (!o.username.empty() || !o.password.empty()) {  // a given credential: no MRAS
    return o.username.empty() || o.password.empty() ? "--username and --password go together"
                                                    : std::string();
  }
  for (const auto& f : t.frontend_pools) {
    if (!o.frontend.empty()) {
      if (f.name.value == o.frontend || f.fqdn.value == o.frontend) plan.frontend = &f;
    } else if (f.edge_pool.value == o.pool && listed(*plan.pool, f.fqdn.value) &&
               plan.frontend == nullptr) {
      plan.frontend = &f;
    }
  }
  if (plan.frontend == nullptr) {
    return o.frontend.empty()
               ? fmt::format(
                     "no [[frontend_pool]] with edge_pool = \"{}\" is in its "
                     "authorized_internal_servers; name one with --as",
                     o.pool)
               : fmt::format("--as {}: no [[frontend_pool]] has this name or fqdn", o.frontend);
  }
  MrasQuery& q = plan.query;
  q.identity = o.user;
  q.timeout_ms = o.timeout_ms;
  q.api_key = o.api_key.empty() ? plan.frontend->api_key.value : o.api_key;
  const bool want_http =
      o.mras == "http" || (o.mras.empty() && (t.mras.sip_listen.empty() || !o.api_key.empty()));
  if (!o.mras.empty() && o.mras != "sip" && o.mras != "http") {
    return fmt::format("--mras {}: write sip or http", o.mras);
  }
  if (want_http) {
    if (!t.mras.http_listen) return "[mras] http_listen is not set: MRAS over HTTP is off";
    q.channel = MrasChannel::Http;
    q.server = reachable(t.mras.http_listen->value);
  } else {
    const config::Listener* tcp = sip_listener(cfg, config::ListenerKind::Tcp);
    const config::Listener* tls = sip_listener(cfg, config::ListenerKind::Tls);
    if (tcp == nullptr && tls == nullptr) return "[mras] sip_listen is empty: MRAS over SIP is off";
    // A client certificate names the front end on TLS; plain TCP trusts its source address.
    const bool use_tls = tls != nullptr && (tcp == nullptr || !o.cert_file.empty());
    q.channel = use_tls ? MrasChannel::SipTls : MrasChannel::SipTcp;
    q.server = reachable((use_tls ? tls : tcp)->endpoint);
    if (!use_tls) {
      for (const auto& a : plan.frontend->addresses) {
        if (a.value.is_v4() && a.value.bytes[0] == 127) q.source_ip = a.value;
      }
    }
  }
  q.tls = trust;
  q.tls.server_name = q.server.ip.to_string();
  q.tls.cert_file = o.cert_file;
  q.tls.key_file = o.key_file;
  return {};
}

}  // namespace avedge::probe

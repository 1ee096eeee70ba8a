// The rules of `avedge check` (issue 4, part 1). README "`avedge check`" lists every rule id.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "config/runtime.hpp"
#include "config/topology.hpp"
#include "diag/check.hpp"
#include "turn/peer_policy.hpp"

namespace avedge::diag {

namespace {

using config::Config;
using config::EdgePool;
using config::Located;
using config::SourcePos;
using config::Topology;

constexpr int64_t kDay = 86400;
constexpr int64_t kCertWarnDays = 14;
constexpr size_t kMinSecretBytes = 16;  // 128 bits

class Rules {
 public:
  Rules(const Config& cfg, const CheckEnv& env) : cfg_(cfg), t_(cfg.topology), env_(env) {}

  std::vector<Finding> run() {
    shared_public_names();
    shared_public_ips();
    public_ip_of_other_edges();
    unauthorized_frontends();
    routing_domain();
    pool_secrets();
    relay_ports();
    peer_policy();
    tls();
    listen_addresses();
    fast_path();
    busy_poll();
    token_lifetimes();
    edge_pool_unset();
    return std::move(out_);
  }

 private:
  void add(std::string rule, Severity s, const SourcePos& where, std::string message,
           std::string impact, std::string fix) {
    out_.push_back(
        Finding{std::move(rule), s, where, std::move(message), std::move(impact), std::move(fix)});
  }

  static std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!out.empty() && out.back() == '.') out.pop_back();
    return out;
  }
  static bool same_name(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

  // AVE-POOL-001: two edge pools with one public_fqdn.
  void shared_public_names() {
    const auto& pools = t_.edge_pools;
    for (size_t i = 0; i < pools.size(); ++i) {
      if (pools[i].public_fqdn.value.empty()) continue;
      for (size_t j = 0; j < i; ++j) {
        if (!same_name(pools[i].public_fqdn.value, pools[j].public_fqdn.value)) continue;
        add("AVE-POOL-001", Severity::Error, pools[i].public_fqdn.where,
            fmt::format("edge pool {} has public_fqdn \"{}\", the public name of edge pool {} ({})",
                        pools[i].name.value, pools[i].public_fqdn.value, pools[j].name.value,
                        pools[j].public_fqdn.where.to_string()),
            fmt::format("users homed on {} get credentials for {} but their clients reach {}'s "
                        "edge, which cannot validate them: no relay or reflexive candidates, "
                        "external A/V calls fail",
                        pools[i].name.value, pools[i].name.value, pools[j].name.value),
            fmt::format("give {} its own public name (its own DNS record pointing at its own "
                        "edges) in public_fqdn",
                        pools[i].name.value));
        break;
      }
    }
  }

  // Every public address of a pool: public_ips and the edges' public_ip.
  static std::vector<Located<IpAddress>> public_addresses(const EdgePool& p) {
    std::vector<Located<IpAddress>> v = p.public_ips;
    for (const auto& e : p.edges) {
      if (e.public_ip) v.push_back(*e.public_ip);
    }
    return v;
  }

  // AVE-POOL-002: two edge pools listing one public IP in public_ips.
  void shared_public_ips() {
    const auto& pools = t_.edge_pools;
    for (size_t i = 0; i < pools.size(); ++i) {
      for (const auto& ip : pools[i].public_ips) {
        for (size_t j = 0; j < i; ++j) {
          const auto& other = pools[j].public_ips;
          auto it = std::find_if(other.begin(), other.end(),
                                 [&](const Located<IpAddress>& o) { return o.value == ip.value; });
          if (it == other.end()) continue;
          add("AVE-POOL-002", Severity::Error, ip.where,
              fmt::format("edge pools {} and {} both list public IP {} (also at {})",
                          pools[i].name.value, pools[j].name.value, ip.value.to_string(),
                          it->where.to_string()),
              fmt::format("clients of one pool reach the other pool's edge, which rejects their "
                          "credentials: relay allocation fails with 401 for {} or {} users",
                          pools[i].name.value, pools[j].name.value),
              fmt::format("give {} the public addresses of its own edges", pools[i].name.value));
          break;
        }
      }
    }
  }

  // AVE-POOL-003: a pool's public name resolves (statically: its public_ips) to an address of
  // another pool's edges.
  void public_ip_of_other_edges() {
    const auto& pools = t_.edge_pools;
    for (size_t i = 0; i < pools.size(); ++i) {
      for (const auto& ip : pools[i].public_ips) {
        for (size_t j = 0; j < pools.size(); ++j) {
          if (j == i) continue;
          const config::EdgeNode* hit = nullptr;
          for (const auto& e : pools[j].edges) {
            if ((e.public_ip && e.public_ip->value == ip.value) ||
                (e.internal_ip && e.internal_ip->value == ip.value)) {
              hit = &e;
            }
          }
          // Listed in both pools' public_ips: AVE-POOL-002 says so already.
          const auto& theirs = pools[j].public_ips;
          if (hit == nullptr ||
              std::any_of(theirs.begin(), theirs.end(),
                          [&](const Located<IpAddress>& o) { return o.value == ip.value; })) {
            continue;
          }
          add("AVE-POOL-003", Severity::Error, ip.where,
              fmt::format("public_ips of edge pool {} include {}, an address of edge {} of pool "
                          "{}: {}'s public name \"{}\" points at {}'s edge",
                          pools[i].name.value, ip.value.to_string(), hit->name.value,
                          pools[j].name.value, pools[i].name.value, pools[i].public_fqdn.value,
                          pools[j].name.value),
              fmt::format("{} users' allocations land on {}'s edge, which cannot validate their "
                          "credentials: 401 on Allocate, external A/V calls fail",
                          pools[i].name.value, pools[j].name.value),
              fmt::format("list the public addresses of {}'s own edges in public_ips, and make "
                          "\"{}\" resolve to them",
                          pools[i].name.value, pools[i].public_fqdn.value));
        }
      }
    }
  }

  // AVE-AUTH-001: a front end missing from its edge pool's authorized_internal_servers.
  void unauthorized_frontends() {
    for (const auto& f : t_.frontend_pools) {
      const EdgePool* p = t_.find_pool(f.edge_pool.value);
      if (p == nullptr || f.fqdn.value.empty()) continue;
      const auto& list = p->authorized_internal_servers;
      if (std::any_of(list.begin(), list.end(), [&](const Located<std::string>& s) {
            return same_name(s.value, f.fqdn.value);
          })) {
        continue;
      }
      const SourcePos where = list.empty() ? p->name.where : list.front().where;
      add("AVE-AUTH-001", Severity::Error, where,
          fmt::format("front end {} ({}) uses edge pool {} but is not in its "
                      "authorized_internal_servers",
                      f.name.value, f.fqdn.value, p->name.value),
          fmt::format("MRAS answers {}'s credential requests with SIP 403 (code 9001): its "
                      "users get no relay credentials and A/V conferencing and external calls "
                      "fail",
                      f.name.value),
          fmt::format("add \"{}\" to authorized_internal_servers of edge pool {}", f.fqdn.value,
                      p->name.value));
    }
  }

  // AVE-DOMAIN-001: default_routing_domain not among sip_domains.
  // AVE-DOMAIN-002: default_routing_domain is the internal (AD) domain of the edges.
  void routing_domain() {
    const auto& d = t_.default_routing_domain;
    if (d.value.empty()) return;
    const std::string first = t_.sip_domains.empty() ? "contoso.com" : t_.sip_domains.front().value;
    if (!t_.in_sip_domains("x@" + d.value)) {
      add("AVE-DOMAIN-001", Severity::Error, d.where,
          fmt::format("default_routing_domain \"{}\" is not one of sip_domains", d.value),
          "users whose identity carries no domain are routed to a domain MRAS does not serve: "
          "their credential requests are refused and A/V calls fail",
          fmt::format("write default_routing_domain = \"{}\" (a SIP domain, not the AD domain)",
                      first));
      return;
    }
    // The AD domain: a parent of an edge's internal FQDN, or an internal-only suffix.
    std::string internal_of;
    for (const auto& p : t_.edge_pools) {
      const std::string fq = lower(p.internal_fqdn.value);
      const std::string dom = "." + lower(d.value);
      if (internal_of.empty() && fq.size() > dom.size() &&
          fq.compare(fq.size() - dom.size(), dom.size(), dom) == 0) {
        internal_of = p.internal_fqdn.value;
      }
    }
    static constexpr std::array<std::string_view, 5> kInternal = {".local", ".lan", ".corp",
                                                                  ".internal", ".intranet"};
    const std::string ld = lower(d.value);
    const bool internal_suffix = std::any_of(kInternal.begin(), kInternal.end(), [&](auto s) {
      return ld.size() > s.size() && ld.compare(ld.size() - s.size(), s.size(), s) == 0;
    });
    if (internal_of.empty() && !internal_suffix) return;
    std::string other;
    for (const auto& s : t_.sip_domains) {
      if (!same_name(s.value, d.value) && other.empty()) other = s.value;
    }
    add("AVE-DOMAIN-002", Severity::Warning, d.where,
        fmt::format("default_routing_domain \"{}\" looks like the internal (AD) domain{}", d.value,
                    internal_of.empty() ? std::string()
                                        : fmt::format(" (edge internal name {})", internal_of)),
        "users' SIP addresses are in the SIP domain, not the AD domain: requests routed by "
        "default go to a domain no client signs in to, and A/V calls fail",
        other.empty() ? "set default_routing_domain to the SIP domain users sign in with"
                      : fmt::format("write default_routing_domain = \"{}\"", other));
  }

  // AVE-SECRET-001: an edge pool without secrets. AVE-SECRET-002: a secret under 128 bits.
  void pool_secrets() {
    for (const auto& p : t_.edge_pools) {
      if (p.secrets.empty()) {
        add("AVE-SECRET-001", Severity::Error, p.name.where,
            fmt::format("edge pool {} has no secrets", p.name.value),
            fmt::format("MRAS cannot issue credentials for {}'s users and its edges accept none: "
                        "no relay, external A/V calls fail",
                        p.name.value),
            "add secrets = [{ id = \"k1\", file = \"secrets/<pool>-k1\" }] with 32 random bytes "
            "(`openssl rand -hex 32`)");
      }
      for (const auto& s : p.secrets) {
        if (s.value.value.size() >= kMinSecretBytes) continue;
        add("AVE-SECRET-002", Severity::Error, s.value.where,
            fmt::format("secret \"{}\" of edge pool {} is {} bytes, under 128 bits", s.id.value,
                        p.name.value, s.value.value.size()),
            "an attacker can guess the key offline from one captured credential and relay "
            "traffic as any user",
            "use at least 16 random bytes, e.g. the output of `openssl rand -hex 32`");
      }
    }
    for (const auto& s : cfg_.secrets) {
      if (s.value.size() >= kMinSecretBytes) continue;
      add("AVE-SECRET-002", Severity::Error, s.where,
          fmt::format("[auth] secret is {} bytes, under 128 bits", s.value.size()),
          "an attacker can guess the secret offline from one captured credential",
          "use at least 16 random bytes, e.g. the output of `openssl rand -hex 32`");
    }
  }

  // AVE-PORTS-001: fewer relay ports than allocations; AVE-PORTS-002: more than the fd limit.
  void relay_ports() {
    const auto& r = cfg_.relay_ports;
    const uint64_t ports =
        r.value.last >= r.value.first ? static_cast<uint64_t>(r.value.last - r.value.first) + 1 : 0;
    const uint64_t quota = cfg_.quota.total.value;
    if (ports < quota) {
      add("AVE-PORTS-001", Severity::Warning, r.where,
          fmt::format("relay_ports {} hold {} ports, fewer than quota.total = {} allocations",
                      r.value.to_string(), ports, quota),
          fmt::format("beyond {} concurrent allocations, Allocate fails with 508 (insufficient "
                      "capacity) and new calls get no relay",
                      ports),
          fmt::format("widen relay_ports to at least {} ports, or lower quota.total to {}", quota,
                      ports));
    }
    if (env_.fd_limit == 0) return;
    const uint64_t need = config::descriptors_needed(cfg_);
    if (need > env_.fd_limit) {
      add("AVE-PORTS-002", Severity::Warning, r.where,
          fmt::format("{} relay sockets (relay_ports {}, quota.total {}) need about {} file "
                      "descriptors; the hard limit (ulimit -Hn), up to which avedge raises its "
                      "own, is {}",
                      need - config::kDescriptorReserve, r.value.to_string(), quota, need,
                      env_.fd_limit),
          fmt::format("after about {} allocations the edge runs out of file descriptors: "
                      "Allocate fails and new calls get no relay",
                      env_.fd_limit > config::kDescriptorReserve
                          ? env_.fd_limit - config::kDescriptorReserve
                          : 0),
          fmt::format("raise the limit (LimitNOFILE={} in the systemd unit, or ulimit -Hn), or "
                      "narrow relay_ports / lower quota.total",
                      need));
    }
  }

  // AVE-PEER-001: the peer policy denies the edge's own relay or public addresses.
  void peer_policy() {
    const auto policy = config::make_peer_policy(cfg_);
    const uint16_t port = cfg_.relay_ports.value.first;
    auto probe = [&](const Located<IpAddress>& ip, std::string_view what) {
      const turn::PeerVerdict v = policy->check(Endpoint{ip.value, port});
      if (v == turn::PeerVerdict::Allowed) return;
      add("AVE-PEER-001", Severity::Error, ip.where,
          fmt::format("the peer policy denies {} {} on relay port {} ({})", what,
                      ip.value.to_string(), port, turn::to_string(v)),
          "two clients relayed by this edge cannot reach each other: their calls have no media "
          "(permission or ChannelBind refused with 403)",
          fmt::format("add \"{}/{}\" to [peers] allow, or remove the deny_extra entry that "
                      "covers it",
                      ip.value.to_string(), ip.value.is_v4() ? 32 : 128));
    };
    for (const auto& ip : cfg_.relay_ips) probe(ip, "this edge's relay address");
    if (const EdgePool* p = t_.find_pool(t_.this_pool.value)) {
      for (const auto& ip : public_addresses(*p)) {
        const bool is_relay =
            std::any_of(cfg_.relay_ips.begin(), cfg_.relay_ips.end(),
                        [&](const Located<IpAddress>& r) { return r.value == ip.value; });
        if (!is_relay) probe(ip, "this edge's public address");
      }
    }
  }

  // AVE-TLS-001..005: the certificate of the TLS listeners.
  void tls() {
    const config::Listener* tls_listener = nullptr;
    for (const auto& l : cfg_.listeners) {
      if (l.uses_tls() && tls_listener == nullptr) tls_listener = &l;
    }
    if (tls_listener == nullptr) return;
    const EdgePool* pool = t_.find_pool(t_.this_pool.value);
    const auto& cert = cfg_.tls.cert;
    if (cert.value.empty()) {
      add("AVE-TLS-001", pool != nullptr ? Severity::Warning : Severity::Info, tls_listener->where,
          fmt::format("TLS listener {} has no certificate (tls.cert is empty): a self-signed one "
                      "is generated at start",
                      tls_listener->url()),
          "clients do not trust a self-signed certificate: TURN over TLS fails, and users "
          "behind firewalls that only pass TLS get no relay",
          "set [tls] cert and key to a certificate from a CA the clients trust, naming the "
          "pool's public_fqdn");
      return;
    }
    CertInfo info;
    std::string error;
    if (!read_cert_info(cert.value, info, error)) {
      add("AVE-TLS-002", Severity::Error, cert.where,
          fmt::format("tls.cert \"{}\": {}", cert.value, error),
          "the edge does not start, or its TLS listeners refuse every client",
          "point tls.cert at a PEM file holding the certificate (and its chain)");
      return;
    }
    if (pool != nullptr && !pool->public_fqdn.value.empty() &&
        std::none_of(info.dns_names.begin(), info.dns_names.end(), [&](const std::string& n) {
          return name_covers(n, pool->public_fqdn.value);
        })) {
      std::string names;
      for (const auto& n : info.dns_names) names += (names.empty() ? "" : ", ") + n;
      add("AVE-TLS-003", Severity::Error, cert.where,
          fmt::format("the certificate {} does not cover public_fqdn \"{}\" of pool {} (it names: "
                      "{})",
                      cert.value, pool->public_fqdn.value, pool->name.value,
                      names.empty() ? "nothing" : names),
          "clients reject the TLS handshake with a name mismatch: TURN over TLS fails and users "
          "behind firewalls that only pass TLS get no relay",
          fmt::format("use a certificate with subjectAltName DNS:{}", pool->public_fqdn.value));
    }
    const int64_t left = info.not_after - env_.now;
    if (left <= 0) {
      add("AVE-TLS-004", Severity::Error, cert.where,
          fmt::format("the certificate {} expired {} days ago", cert.value, -left / kDay),
          "clients reject the TLS handshake: TURN over TLS fails and users behind firewalls "
          "that only pass TLS get no relay",
          "renew the certificate and restart or reload the edge");
    } else if (left < kCertWarnDays * kDay) {
      add("AVE-TLS-005", Severity::Warning, cert.where,
          fmt::format("the certificate {} expires in {} days", cert.value, left / kDay),
          "when it expires, clients reject the TLS handshake and TURN over TLS fails",
          "renew the certificate now");
    }
  }

  // AVE-FAST-001: a fast path interface that is not on this host. AVE-FAST-002: one (other than
  // lo) that does not forward, so bpf_fib_lookup() cannot name a next hop (decision 0013).
  void fast_path() {
    if (cfg_.fast_path.value != "tc" || !env_.interfaces_known) return;
    for (const auto& name : cfg_.fast_path_interfaces) {
      const auto it =
          std::find_if(env_.interfaces.begin(), env_.interfaces.end(),
                       [&](const CheckEnv::Interface& i) { return i.name == name.value; });
      if (it == env_.interfaces.end()) {
        add("AVE-FAST-001", Severity::Error, name.where,
            fmt::format("fast_path_interfaces: this host has no interface {}", name.value),
            "the edge does not start (it cannot attach its fast path there)",
            "list the interfaces client and peer traffic arrive on (`ip -brief link`), or set "
            "fast_path = \"off\"");
      } else if (!it->forwarding && name.value != "lo") {
        add("AVE-FAST-002", Severity::Warning, name.where,
            fmt::format("fast path on {}, where IPv4 forwarding is off", name.value),
            "the kernel cannot look up a next hop there, so it relays nothing: avedge relays "
            "every datagram itself, at userspace cost (avedge_fast_path_declined_total rises)",
            fmt::format("sysctl -w net.ipv4.conf.{}.forwarding=1 (and drop forwarded traffic "
                        "you do not want in the FORWARD chain)",
                        name.value));
      }
    }
  }

  // AVE-PERF-001: busy polling on every core (decision 0016).
  void busy_poll() {
    const auto& b = cfg_.busy_poll_us;
    if (b.value == 0 || cfg_.workers.value != 0) return;
    add("AVE-PERF-001", Severity::Warning, b.where,
        fmt::format("busy_poll_us = {} with workers = 0 (one worker per core)", b.value),
        "while traffic flows every core of the host polls for packets, up to 100% busy: "
        "nothing is left for the system, TLS handshakes or other services, and the CPU "
        "per packet rises",
        "set workers to the cores set aside for the edge (e.g. one fewer than the host has), "
        "or busy_poll_us = 0");
  }

  // AVE-LISTEN-001: a listen or relay address that is not on this host.
  void listen_addresses() {
    if (!env_.local_addresses_known) return;
    auto has = [&](const IpAddress& ip) {
      return std::find(env_.local_addresses.begin(), env_.local_addresses.end(), ip) !=
             env_.local_addresses.end();
    };
    auto local = [&](const IpAddress& ip) {
      if (ip.is_unspecified() || has(ip)) return true;
      // RFC 1122 §3.2.1.3: all of 127.0.0.0/8 is loopback; with 127.0.0.1 up, any of it binds.
      return ip.is_v4() && ip.bytes[0] == 127 && has(IpAddress::v4(127, 0, 0, 1));
    };
    auto probe = [&](const IpAddress& ip, const SourcePos& where, const std::string& what) {
      if (local(ip)) return;
      add("AVE-LISTEN-001", Severity::Error, where,
          fmt::format("{} {} is not an address of this host", what, ip.to_string()),
          "the edge cannot bind it and does not start (or that service is unreachable): "
          "clients get no answer",
          "use an address of this host's interfaces (`ip -brief addr`), or 0.0.0.0 / [::]");
    };
    for (const auto& l : cfg_.listeners) probe(l.endpoint.ip, l.where, "listener " + l.url());
    for (const auto& l : t_.mras.sip_listen) {
      probe(l.endpoint.ip, l.where, "MRAS listener " + l.url());
    }
    if (t_.mras.http_listen) {
      probe(t_.mras.http_listen->value.ip, t_.mras.http_listen->where,
            "MRAS http_listen " + t_.mras.http_listen->value.to_string());
    }
    for (const auto& ip : cfg_.relay_ips) probe(ip.value, ip.where, "relay address");
  }

  // AVE-TOKEN-001: token_lifetime outside 1 minute to 180 days.
  void token_lifetimes() {
    for (const auto& p : t_.edge_pools) {
      const int64_t s = p.token_lifetime.value.count();
      if (s >= 60 && s <= 180 * kDay) continue;
      add("AVE-TOKEN-001", Severity::Warning, p.token_lifetime.where,
          fmt::format("token_lifetime of edge pool {} is {} s, outside 1 minute to 180 days",
                      p.name.value, s),
          s < 60 ? "credentials expire before a call is set up: Allocate and Refresh fail with "
                   "401 mid-call"
                 : "a leaked credential stays usable for months",
          "write token_lifetime = \"8h\"");
    }
  }

  // AVE-EDGE-001: edge pools exist but [edge] pool is not set.
  void edge_pool_unset() {
    if (t_.edge_pools.empty() || !t_.this_pool.value.empty()) return;
    add("AVE-EDGE-001", Severity::Warning, t_.edge_pools.front().name.where,
        "edge pools are defined but [edge] pool does not say which one this process serves",
        "this edge accepts no pool credentials: every Allocate with a credential from MRAS is "
        "refused with 401 and external calls get no relay",
        fmt::format("write pool = \"{}\" in [edge]", t_.edge_pools.front().name.value));
  }

  const Config& cfg_;
  const Topology& t_;
  const CheckEnv& env_;
  std::vector<Finding> out_;
};

}  // namespace

const char* to_string(Severity s) {
  switch (s) {
    case Severity::Info:
      return "info";
    case Severity::Warning:
      return "warning";
    case Severity::Error:
      return "error";
  }
  return "error";
}

std::vector<Finding> check_config(const Config& cfg, const CheckEnv& env) {
  return Rules(cfg, env).run();
}

int exit_status(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity != Severity::Info; })
             ? 1
             : 0;
}

}  // namespace avedge::diag

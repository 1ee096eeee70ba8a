#include "probe/live_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "auth/pool_credentials.hpp"
#include "probe/explain.hpp"
#include "probe/probe.hpp"

namespace avedge::probe {

namespace {

bool holds(const config::EdgePool& p, const IpAddress& ip) {
  return std::any_of(p.public_ips.begin(), p.public_ips.end(),
                     [&](const auto& a) { return a.value == ip; }) ||
         std::any_of(p.edges.begin(), p.edges.end(),
                     [&](const auto& e) { return e.public_ip && e.public_ip->value == ip; });
}

std::string join(const std::vector<IpAddress>& ips) {
  std::string s;
  for (const auto& ip : ips) s += (s.empty() ? "" : ", ") + ip.to_string();
  return s.empty() ? std::string("none") : s;
}

std::string own_ips(const config::EdgePool& p) {
  std::vector<IpAddress> ips;
  for (const auto& a : p.public_ips) ips.push_back(a.value);
  return join(ips);
}

}  // namespace

std::vector<diag::Finding> dns_findings(const config::Topology& t,
                                        const std::vector<Resolution>& resolved) {
  std::vector<diag::Finding> out;
  for (const auto& r : resolved) {
    const config::EdgePool* p = t.find_pool(r.pool);
    if (p == nullptr) continue;
    const std::string& fqdn = p->public_fqdn.value;
    if (r.addresses.empty()) {
      out.push_back({"AVE-LIVE-002", diag::Severity::Error, p->public_fqdn.where,
                     fmt::format("public_fqdn \"{}\" of edge pool {} does not resolve ({})", fqdn,
                                 p->name.value, r.error),
                     fmt::format("clients of {} cannot find their relay: no relay candidates, "
                                 "external A/V calls fail",
                                 p->name.value),
                     fmt::format("create the DNS record {} pointing at {}'s edges ({})", fqdn,
                                 p->name.value, own_ips(*p))});
      continue;
    }
    const config::EdgePool* other = nullptr;
    IpAddress hit;
    for (const auto& ip : r.addresses) {
      for (const auto& q : t.edge_pools) {
        if (&q != p && holds(q, ip) && !holds(*p, ip) && other == nullptr) {
          other = &q;
          hit = ip;
        }
      }
    }
    if (other != nullptr) {
      out.push_back(
          {"AVE-LIVE-001", diag::Severity::Error, p->public_fqdn.where,
           fmt::format("public_fqdn \"{}\" of edge pool {} resolves to {}, an address of edge "
                       "pool {} ({})",
                       fqdn, p->name.value, hit.to_string(), other->name.value,
                       other->name.where.to_string()),
           fmt::format("users homed on {} get credentials for {} but their clients reach {}'s "
                       "edge, which cannot validate them: Allocate fails with 401, no relay "
                       "candidates, external A/V calls fail",
                       p->name.value, p->name.value, other->name.value),
           fmt::format("point {}'s public name at its own edges ({}), or give {} its own name in "
                       "public_fqdn",
                       p->name.value, own_ips(*p), p->name.value)});
      continue;
    }
    const bool any_own = std::any_of(r.addresses.begin(), r.addresses.end(),
                                     [&](const IpAddress& ip) { return holds(*p, ip); });
    if (!any_own && !p->public_ips.empty()) {
      out.push_back({"AVE-LIVE-003", diag::Severity::Warning, p->public_fqdn.where,
                     fmt::format("public_fqdn \"{}\" of edge pool {} resolves to {}, none of its "
                                 "public_ips ({})",
                                 fqdn, p->name.value, join(r.addresses), own_ips(*p)),
                     "clients may reach an edge that is not this pool's (401 on Allocate), or "
                     "nothing at all",
                     fmt::format("make the DNS record and public_ips of {} agree", p->name.value)});
    }
  }
  return out;
}

LiveReport check_live(const config::Config& cfg, int timeout_ms, bool allocate) {
  LiveReport rep;
  const config::Topology& t = cfg.topology;
  std::vector<Resolution> resolved;
  for (const auto& p : t.edge_pools) {
    Resolution r{p.name.value, {}, {}};
    r.addresses = resolve_host(p.public_fqdn.value, r.error);
    rep.lines.push_back(fmt::format("resolve  {} public_fqdn {} -> {}", p.name.value,
                                    p.public_fqdn.value,
                                    r.addresses.empty() ? r.error : join(r.addresses)));
    resolved.push_back(std::move(r));
  }
  rep.findings = dns_findings(t, resolved);

  // A credential of this edge's pool, issued with its first key as MRAS would.
  const config::EdgePool* mine = t.find_pool(t.this_pool.value);
  std::optional<auth::IssuedCredential> cred;
  AuthContext ctx;
  if (!allocate) {
    rep.lines.push_back(
        "allocate skipped: the pool key was generated for development (dev_credentials)");
  } else if (mine != nullptr && !mine->secrets.empty()) {
    const std::string domain = t.sip_domains.empty() ? "avedge.invalid" : t.sip_domains[0].value;
    const auth::PoolKey key{mine->secrets[0].id.value, mine->secrets[0].value.value};
    ctx.now = static_cast<UnixSeconds>(std::time(nullptr));
    cred = auth::issue_pool_credential(mine->name.value, key, "sip:avedge-check-live@" + domain,
                                       ctx.now, Seconds{300});
    ctx.cred = auth::decode_pool_username(cred->username);
    ctx.edge_pool = mine->name.value;
  }
  for (const auto& l : cfg.listeners) {
    std::vector<Proto> protos;
    switch (l.kind) {
      case config::ListenerKind::Udp:
        protos = {Proto::Udp};
        break;
      case config::ListenerKind::Tcp:
        protos = {Proto::Tcp};
        break;
      case config::ListenerKind::Tls:
        protos = {Proto::Tls};
        break;
      case config::ListenerKind::TcpTls:
        protos = {Proto::Tcp, Proto::Tls};
        break;
    }
    for (const Proto p : protos) {
      const Endpoint ep = reachable(l.endpoint);
      const std::string url = fmt::format("{}://{}", name(p), ep.to_string());
      auto fail = [&](const std::string& what) {
        rep.lines.push_back(fmt::format("listen   {}: FAIL {}", url, what));
        rep.findings.push_back(
            {"AVE-LIVE-004", diag::Severity::Error, l.where,
             fmt::format("listener {}: {}", url, what),
             fmt::format("clients using {} get no answer: no relay or reflexive candidates over "
                         "{}",
                         url, upper_name(p)),
             fmt::format("start `avedge serve` with this configuration, check what listens on "
                         "port {} (`ss -lnp`), and open it in the host firewall",
                         ep.port)});
      };
      TlsOptions tls;
      tls.insecure = true;  // certificates are the static rules' job (AVE-TLS-*)
      std::string err;
      auto c = TurnClient::open(p, ep, tls, timeout_ms, err);
      if (!c) {
        fail("connect failed: " + err);
        continue;
      }
      const StunResult b = c->binding();
      if (!b.ok()) {
        fail(b.status == StunResult::Status::Timeout
                 ? explain_no_answer(p, ep, timeout_ms, "")
                 : explain_result(b, "STUN Binding", timeout_ms));
        continue;
      }
      std::string line = fmt::format("listen   {}: Binding ok", url);
      if (cred) {
        c->set_credentials(cred->username, cred->password);
        ctx.where = ep.to_string();
        const StunResult a = c->allocate();
        if (a.ok()) {
          c->refresh(0);  // RFC 8656 §8: release it at once
          line += fmt::format(", Allocate with a self-issued {} credential ok", mine->name.value);
        } else {
          line += ", Allocate FAIL";
          rep.findings.push_back(
              {"AVE-LIVE-005", diag::Severity::Error, t.this_pool.where,
               fmt::format("Allocate on {} with a credential of {} issued from this "
                           "configuration: {}",
                           url, mine->name.value,
                           a.status == StunResult::Status::Error
                               ? explain_allocate(a, ctx)
                               : explain_result(a, "Allocate", timeout_ms)),
               "clients with credentials of this pool get no relay: external A/V calls fail",
               "run the edge with this configuration (same [edge] pool and secrets as MRAS), or "
               "restart it after changing the keys"});
        }
      }
      rep.lines.push_back(line);
    }
  }
  return rep;
}

}  // namespace avedge::probe

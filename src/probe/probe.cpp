#include "probe/probe.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "auth/pool_credentials.hpp"

namespace avedge::probe {

namespace {

using Clock = std::chrono::steady_clock;

int64_t ms_since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

std::string iso(UnixSeconds t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace

std::vector<IpAddress> resolve_host(const std::string& host, std::string& error) {
  std::vector<IpAddress> out;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0) {
    error = ::gai_strerror(rc);
    return out;
  }
  for (const addrinfo* a = res; a != nullptr; a = a->ai_next) {
    if (auto ep = Endpoint::from_sockaddr(a->ai_addr)) {
      if (std::find(out.begin(), out.end(), ep->ip) == out.end()) out.push_back(ep->ip);
    }
  }
  ::freeaddrinfo(res);
  return out;
}

std::vector<Step> run_probe(const config::Config& cfg, const ProbeOptions& o, const Plan& plan) {
  std::vector<Step> steps;
  const config::Topology& t = cfg.topology;
  // a) MRAS, as the front end ([MS-AVEDGEA] §3.1.5), or the credential given.
  auto t0 = Clock::now();
  const UnixSeconds now = static_cast<UnixSeconds>(std::time(nullptr));
  MrasAnswer a;
  std::string detail;
  if (plan.frontend != nullptr) {
    const MrasQuery& q = plan.query;
    const std::string where = fmt::format("{} {}", name(q.channel), q.server.to_string());
    a = ask_mras(q);
    if (!a.granted) {
      steps.push_back(
          {"mras", false, ms_since(t0),
           explain_mras(a, where) + fmt::format(" (asked as {})", plan.frontend->fqdn.value)});
      return steps;
    }
    detail = fmt::format("{} as {}: {}, ", where, plan.frontend->fqdn.value, a.status_text);
  } else {
    a.username = o.username;
    a.password = o.password;
    a.relay_host = plan.pool->public_fqdn.value;  // what MRAS would hand out
    a.udp_port = plan.pool->turn_udp_port.value;
    a.tcp_port = plan.pool->turn_tcp_port.value;
    detail = "given ";
  }
  const auto cred = auth::decode_pool_username(a.username);
  const std::string issuer = cred ? cred->pool : std::string("a non-pool credential");
  bool pass = cred && cred->pool == o.pool;
  detail +=
      fmt::format("credential of {}{} for {}, relay {} udp {} tcp {}", issuer,
                  cred ? " (key " + cred->key_id + ", expires " + iso(cred->expiry) + ")" : "",
                  cred ? cred->identity : o.user, a.relay_host, a.udp_port, a.tcp_port);
  if (a.lifetime_s != 0) detail += fmt::format(", valid {} min", a.lifetime_s / 60);
  if (!pass && plan.frontend != nullptr) {
    detail += fmt::format("; expected pool {}: front end {} has edge_pool = \"{}\"", o.pool,
                          plan.frontend->name.value, plan.frontend->edge_pool.value);
  } else if (!pass) {
    detail += fmt::format("; expected a credential of pool {}", o.pool);
  }
  if (cred && cred->expiry < now) {
    pass = false;
    detail += fmt::format("; it expired {} s ago: ask MRAS for a new one", now - cred->expiry);
  }
  steps.push_back({plan.frontend != nullptr ? "mras" : "credential", pass, ms_since(t0), detail});

  // b) the relay host of the answer, and whose address it is.
  t0 = Clock::now();
  std::string err;
  const auto addrs = resolve_host(a.relay_host, err);
  if (addrs.empty()) {
    steps.push_back({"resolve", false, ms_since(t0),
                     fmt::format("relay host {} does not resolve: {}", a.relay_host, err)});
    return steps;
  }
  // The pool's own address when listed, else IPv4 first ("localhost" often gives ::1 first,
  // while edges commonly listen on IPv4 only).
  IpAddress relay_ip = addrs.front();
  const auto own = std::find_if(addrs.begin(), addrs.end(), [&](const IpAddress& ip) {
    return pool_owning(t, ip, "") == o.pool;
  });
  const auto v4 =
      std::find_if(addrs.begin(), addrs.end(), [](const IpAddress& ip) { return ip.is_v4(); });
  if (own != addrs.end()) {
    relay_ip = *own;
  } else if (v4 != addrs.end()) {
    relay_ip = *v4;
  }
  // Whose address it is (public_ips, edges), else whose public_fqdn the host is.
  const std::string owner = pool_owning(t, relay_ip, a.relay_host);
  const config::EdgePool* mine = plan.pool;
  if (owner.empty() || owner == o.pool) {
    steps.push_back(
        {"resolve", true, ms_since(t0),
         fmt::format("relay host {} -> {}{}", a.relay_host, relay_ip.to_string(),
                     owner.empty() ? fmt::format(" (not listed in {}'s public_ips)", o.pool)
                                   : fmt::format(", an address of {}", o.pool))});
  } else {
    steps.push_back(
        {"resolve", false, ms_since(t0),
         fmt::format("relay host {} -> {}, an address of {}, not of {}: {}'s public_fqdn ({}) "
                     "points at {}'s edge; fix: give {} its own name in public_fqdn and DNS",
                     a.relay_host, relay_ip.to_string(), owner, o.pool, o.pool,
                     mine->public_fqdn.where.to_string(), owner, o.pool)});
  }

  // c, d) per transport: Binding, then the TURN steps.
  AuthContext ctx;
  ctx.cred = cred;
  ctx.edge_pool = owner;
  ctx.now = now;
  std::vector<std::pair<size_t, TurnTarget>> silent;  // steps of transports that got no answer
  std::string works;
  // TLS: --tls-port, else this configuration's tls:// listener when it serves P (the embedded
  // default listens on 5349), else the TCP port (a tcp+tls:// listener).
  uint16_t tls_port = o.tls_port;
  if (tls_port == 0 && cfg.topology.this_pool.value == o.pool) {
    for (const auto& l : cfg.listeners) {
      if (l.kind == config::ListenerKind::Tls && tls_port == 0) tls_port = l.endpoint.port;
    }
  }
  for (const Proto p : o.transports) {
    TurnTarget tt;
    tt.proto = p;
    uint16_t port = p == Proto::Udp ? a.udp_port : a.tcp_port;
    if (p == Proto::Tls && tls_port != 0) port = tls_port;
    tt.server = Endpoint{relay_ip, port};
    tt.host = a.relay_host;
    tt.username = a.username;
    tt.password = a.password;
    tt.peer_ip = o.peer_ip;
    tt.tls = plan.turn_tls;
    tt.timeout_ms = o.timeout_ms;
    ctx.where = fmt::format("{}:{}", a.relay_host, port);
    TurnRun run = run_turn(tt, ctx);
    // The silent request is the run's last step (the run stops there).
    if (run.no_answer && !run.steps.empty()) {
      silent.emplace_back(steps.size() + run.steps.size() - 1, tt);
    }
    if (run.answered && works.empty()) {
      works = fmt::format("{} {}", upper_name(p), tt.server.to_string());
    }
    steps.insert(steps.end(), run.steps.begin(), run.steps.end());
  }
  // "no answer on UDP ...: UDP is blocked on the path; TCP ... works"
  for (const auto& [index, tt] : silent) {
    if (works.empty()) continue;
    steps[index].detail = explain_no_answer(tt.proto, tt.server, tt.timeout_ms, works);
  }
  return steps;
}

}  // namespace avedge::probe

#include "mras/credential_service.hpp"

#include <algorithm>

#include "auth/pool_credentials.hpp"
#include "mras/authorize.hpp"
#include "mras/events.hpp"

namespace avedge::mras {

namespace {

constexpr size_t kMaxIdentity = 1024;

std::string this_pool_source(const config::Topology& t) {
  if (const config::EdgePool* p = t.find_pool(t.this_pool.value)) {
    if (!p->internal_fqdn.value.empty()) return p->internal_fqdn.value;
    return p->name.value;
  }
  return t.this_pool.value.empty() ? std::string("avedge") : t.this_pool.value;
}

std::string public_host(const config::EdgePool& pool) {
  if (!pool.public_fqdn.value.empty()) return pool.public_fqdn.value;
  if (!pool.public_ips.empty()) return pool.public_ips.front().value.to_string();
  return pool.name.value;
}

std::string uri_host(const std::string& h) {
  return h.find(':') != std::string::npos ? "[" + h + "]" : h;
}

// A response that echoes the request header fields when they could be read.
Response echo(const ParseResult& parsed, Reason reason) {
  Response r;
  if (parsed.ok() || parsed.reason == Reason::VersionMismatch ||
      parsed.reason == Reason::RequestTooLarge) {
    r = error_response(parsed);
    if (parsed.ok()) r.version = parsed.request.version;
  }
  r.reason = reason;
  return r;
}

EventFields who_fields(const Requester& who, const Authorization* a) {
  EventFields f{{"channel", channel_name(who.channel)}, {"requester", who.describe()}};
  if (a && a->frontend) f.emplace_back("frontend", a->frontend->name.value);
  if (a && a->home) f.emplace_back("home_pool", a->home->name.value);
  return f;
}

bool bad_text(std::string_view s) {
  return s.empty() || s.size() > kMaxIdentity || std::any_of(s.begin(), s.end(), [](char c) {
           return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
         });
}

}  // namespace

MediaRelay relay_for(const config::EdgePool& pool, Location location) {
  MediaRelay m;
  m.location = location;
  m.host_name = location == Location::Internet ? public_host(pool) : pool.internal_fqdn.value;
  if (m.host_name.empty()) m.host_name = public_host(pool);
  m.udp_port = pool.turn_udp_port.value;
  m.tcp_port = pool.turn_tcp_port.value;
  return m;
}

Seconds granted_lifetime(const config::EdgePool& pool, std::optional<uint32_t> minutes) {
  const Seconds max = pool.token_lifetime.value;
  if (!minutes) return max;
  return std::min(max, Seconds{static_cast<int64_t>(*minutes) * 60});
}

CredentialService::CredentialService(config::Topology topology, std::string realm,
                                     Counters& counters)
    : topology_(std::move(topology)),
      realm_(std::move(realm)),
      source_(this_pool_source(topology_)),
      counters_(counters) {}

std::string CredentialService::ms_diagnostics(Diag d, std::string_view reason) const {
  std::string out = std::to_string(code_of(d)) + ";source=\"" + source_ + "\";reason=\"";
  for (const char c : reason) {
    // A quoted-string (RFC 3261 §25.1): no quote, backslash or control character inside.
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      out += '\'';
    } else {
      out += c;
    }
  }
  out += "\";component=\"" + std::string(kComponent) + "\"";
  return out;
}

XmlOutcome CredentialService::refuse(Diag d, std::string reason, const Requester& who,
                                     Response resp, int status, const Authorization* a) const {
  counters_.refuse(d);
  EventFields f = who_fields(who, a);
  f.emplace_back("code", std::to_string(code_of(d)));
  f.emplace_back("reason", reason);
  log_refusal(f);
  XmlOutcome o;
  o.status = status;
  o.diag = d;
  o.reason = std::move(reason);
  o.body = build_response(resp);  // never holds credentials
  return o;
}

XmlOutcome CredentialService::handle_xml(std::string_view body, const Requester& who,
                                         UnixSeconds now) const {
  counters_.requests.fetch_add(1, std::memory_order_relaxed);
  const ParseResult parsed = parse_request(body);

  // Authorization first: an unknown requester learns nothing about its request.
  const Authorization a = authorize(topology_, who);
  if (!a.ok()) {
    return refuse(*a.refusal, a.reason, who, echo(parsed, Reason::Forbidden), 403, &a);
  }

  if (!parsed.ok()) {
    const Diag d = parsed.reason == Reason::VersionMismatch   ? Diag::VersionMismatch
                   : parsed.reason == Reason::RequestTooLarge ? Diag::RequestTooLarge
                                                              : Diag::RequestMalformed;
    // [MS-AVEDGEA] §3.1.5.1: the error travels as the XML reasonPhrase in a final response.
    return refuse(d, parsed.detail, who, error_response(parsed), 200, &a);
  }

  for (const CredentialsRequest& c : parsed.request.credentials) {
    if (c.identity.size() > auth::kMaxIdentity) {
      ParseResult too_long = parsed;
      too_long.reason = Reason::RequestMalformed;
      return refuse(Diag::RequestMalformed, "identity longer than 256 bytes", who,
                    error_response(too_long), 200, &a);
    }
    if (!topology_.in_sip_domains(c.identity)) {
      return refuse(Diag::IdentityOutsideDomains,
                    "identity " + c.identity + " is not in the topology's sip_domains", who,
                    echo(parsed, Reason::Forbidden), 403, &a);
    }
  }
  const config::EdgePool& home = *a.home;
  if (home.secrets.empty()) {
    return refuse(Diag::NoPoolSecret, "edge pool " + home.name.value + " has no secret", who,
                  echo(parsed, Reason::InternalServerError), 500, &a);
  }
  const auth::PoolKey key{home.secrets.front().id.value, home.secrets.front().value.value};

  Response resp = echo(parsed, Reason::Ok);
  for (const CredentialsRequest& c : parsed.request.credentials) {
    const Seconds lifetime = granted_lifetime(home, c.duration_minutes);
    const auth::IssuedCredential cred =
        auth::issue_pool_credential(home.name.value, key, c.identity, now, lifetime);
    if (cred.username.empty()) {
      return refuse(Diag::NoPoolSecret,
                    "edge pool " + home.name.value + " cannot issue with key " + key.id +
                        " (pool name, key id or secret invalid)",
                    who, echo(parsed, Reason::InternalServerError), 500, &a);
    }
    CredentialsResponse cr;
    cr.id = c.id;
    cr.username = cred.username;
    cr.password = cred.password;
    cr.duration_minutes = static_cast<uint32_t>(std::max<int64_t>(1, lifetime.count() / 60));
    cr.realm = realm_;
    cr.relays.push_back(relay_for(home, c.location));
    resp.credentials.push_back(std::move(cr));

    EventFields f = who_fields(who, &a);
    f.emplace_back("identity", c.identity);
    f.emplace_back("location", std::string(location_name(c.location)));
    f.emplace_back("duration_min", std::to_string(resp.credentials.back().duration_minutes));
    f.emplace_back("key_id", key.id);
    f.emplace_back("relay", resp.credentials.back().relays.front().host_name);
    log_grant(f);
  }
  counters_.grants.fetch_add(1, std::memory_order_relaxed);
  XmlOutcome o;
  o.body = build_response(resp);
  return o;
}

RestOutcome CredentialService::turn_rest(std::string_view user, std::optional<int64_t> ttl_seconds,
                                         const Requester& who, UnixSeconds now) const {
  counters_.requests.fetch_add(1, std::memory_order_relaxed);
  RestOutcome o;
  auto refuse_rest = [&](Diag d, std::string reason, int status, const Authorization* a) {
    counters_.refuse(d);
    EventFields f = who_fields(who, a);
    f.emplace_back("code", std::to_string(code_of(d)));
    f.emplace_back("reason", reason);
    log_refusal(f);
    o.status = status;
    o.diag = d;
    o.reason = std::move(reason);
    return o;
  };
  const Authorization a = authorize(topology_, who);
  if (!a.ok()) return refuse_rest(*a.refusal, a.reason, 403, &a);
  if (bad_text(user) || user.size() > auth::kMaxIdentity) {
    return refuse_rest(Diag::RequestMalformed, "the user parameter is missing or invalid", 400, &a);
  }
  if (ttl_seconds && *ttl_seconds <= 0) {
    return refuse_rest(Diag::RequestMalformed, "ttl must be a positive number of seconds", 400, &a);
  }
  const std::string identity(user);
  if (!topology_.in_sip_domains(identity)) {
    return refuse_rest(Diag::IdentityOutsideDomains,
                       "identity " + identity + " is not in the topology's sip_domains", 403, &a);
  }
  const config::EdgePool& home = *a.home;
  if (home.secrets.empty()) {
    return refuse_rest(Diag::NoPoolSecret, "edge pool " + home.name.value + " has no secret", 500,
                       &a);
  }
  const auth::PoolKey key{home.secrets.front().id.value, home.secrets.front().value.value};
  const Seconds lifetime = ttl_seconds ? std::min(home.token_lifetime.value, Seconds{*ttl_seconds})
                                       : home.token_lifetime.value;
  const auth::IssuedCredential cred =
      auth::issue_pool_credential(home.name.value, key, identity, now, lifetime);
  if (cred.username.empty()) {
    return refuse_rest(Diag::NoPoolSecret,
                       "edge pool " + home.name.value + " cannot issue with key " + key.id, 500,
                       &a);
  }
  o.username = cred.username;
  o.password = cred.password;
  o.ttl = lifetime.count();
  const std::string host = uri_host(public_host(home));
  const std::string udp = std::to_string(home.turn_udp_port.value);
  const std::string tcp = std::to_string(home.turn_tcp_port.value);
  o.uris = {"turn:" + host + ":" + udp + "?transport=udp",
            "turn:" + host + ":" + tcp + "?transport=tcp",
            "turns:" + host + ":" + tcp + "?transport=tcp"};
  counters_.grants.fetch_add(1, std::memory_order_relaxed);
  EventFields f = who_fields(who, &a);
  f.emplace_back("identity", identity);
  f.emplace_back("ttl", std::to_string(o.ttl));
  f.emplace_back("key_id", key.id);
  log_grant(f);
  return o;
}

}  // namespace avedge::mras

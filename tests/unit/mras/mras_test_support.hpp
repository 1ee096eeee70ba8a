// A two-pool topology for MRAS tests, built in code: EDGEPOOL01 (front end POOL01 authorized,
// ROGUE not), EDGEPOOL02 (front end POOL02 authorized). This edge serves EDGEPOOL02, so tests can
// check that a POOL01 front end still gets EDGEPOOL01's relays.
#pragma once

#include <string>

#include "config/topology.hpp"

namespace avedge::mras::test {

template <typename T>
config::Located<T> L(T v) {
  return config::Located<T>{std::move(v)};
}

inline config::Located<std::string> S(const char* v) {
  return L(std::string(v));
}

inline config::EdgePool edge_pool(const char* name, const char* pub, const char* internal,
                                  const char* authorized, const char* key_id) {
  config::EdgePool p;
  p.name = S(name);
  p.public_fqdn = S(pub);
  p.internal_fqdn = S(internal);
  p.authorized_internal_servers.push_back(S(authorized));
  p.token_lifetime = L(Seconds{8 * 3600});
  p.secrets.push_back({S(key_id), S("0123456789abcdef0123456789abcdef")});
  return p;
}

inline config::FrontendPool frontend(const char* name, const char* fqdn, const char* pool,
                                     const char* address, const char* api_key) {
  config::FrontendPool f;
  f.name = S(name);
  f.fqdn = S(fqdn);
  f.edge_pool = S(pool);
  if (address[0] != '\0') f.addresses.push_back(L(*IpAddress::parse(address)));
  f.api_key = S(api_key);
  return f;
}

inline config::Topology two_pools() {
  config::Topology t;
  t.sip_domains = {S("contoso.com")};
  t.default_routing_domain = S("contoso.com");
  t.edge_pools.push_back(edge_pool("EDGEPOOL01", "av1.contoso.com", "edge01.contoso.local",
                                   "pool01.contoso.com", "k1"));
  t.edge_pools.push_back(edge_pool("EDGEPOOL02", "av2.contoso.com", "edge02.contoso.local",
                                   "pool02.contoso.com", "k2"));
  t.frontend_pools.push_back(
      frontend("POOL01", "pool01.contoso.com", "EDGEPOOL01", "127.0.0.1", "key-pool01"));
  t.frontend_pools.push_back(
      frontend("POOL02", "pool02.contoso.com", "EDGEPOOL02", "10.0.0.2", "key-pool02"));
  t.frontend_pools.push_back(
      frontend("ROGUE", "rogue.contoso.com", "EDGEPOOL01", "10.0.0.66", "key-rogue"));
  t.this_pool = S("EDGEPOOL02");
  return t;
}

// A version 1.0 request as SIPE sends it ([MS-AVEDGEA] §2.2.2, observed clients).
inline std::string sipe_request(const std::string& identity = "sip:alice@contoso.com",
                                const std::string& location = "internet",
                                const std::string& version = "1.0") {
  return "<request requestID=\"123456\" from=\"" + identity + "\" version=\"" + version +
         "\" to=\"sip:edge01.contoso.local@contoso.com;gruu;opaque=srvr:MRAS:abc\" "
         "xmlns=\"http://schemas.microsoft.com/2006/09/sip/mrasp\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
         "<credentialsRequest credentialsRequestID=\"123456\">"
         "<identity>" +
         identity +
         "</identity>"
         "<location>" +
         location +
         "</location>"
         "<duration>480</duration>"
         "</credentialsRequest></request>";
}

}  // namespace avedge::mras::test

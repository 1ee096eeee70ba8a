// libFuzzer target: SIP stream framing (RFC 3261 §18.3) and the SIP handler with a fixed
// topology, no sockets. Input is cut into chunks by its first byte to exercise reads that split
// messages anywhere.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <spdlog/spdlog.h>

#include "mras/sip_handler.hpp"

namespace {

avedge::config::Topology topology() {
  using namespace avedge::config;
  Topology t;
  t.sip_domains = {Located<std::string>{"contoso.com"}};
  EdgePool p;
  p.name.value = "EDGEPOOL01";
  p.public_fqdn.value = "av1.contoso.com";
  p.internal_fqdn.value = "edge01.contoso.local";
  p.authorized_internal_servers = {Located<std::string>{"pool01.contoso.com"}};
  p.secrets.push_back(
      {Located<std::string>{"k1"}, Located<std::string>{"0123456789abcdef0123456789abcdef"}});
  t.edge_pools.push_back(p);
  FrontendPool f;
  f.name.value = "POOL01";
  f.fqdn.value = "pool01.contoso.com";
  f.edge_pool.value = "EDGEPOOL01";
  f.addresses.push_back(Located<avedge::IpAddress>{avedge::IpAddress::v4(127, 0, 0, 1)});
  t.frontend_pools.push_back(f);
  t.this_pool.value = "EDGEPOOL01";
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace avedge::mras;
  static Counters counters;
  static const CredentialService svc(topology(), "avedge.local", counters);
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 64;
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  Requester who;
  who.address = avedge::IpAddress::v4(127, 0, 0, 1);
  SipFramer f;
  for (size_t at = 0; at < in.size(); at += chunk) {
    f.feed(in.substr(at, chunk));
    for (;;) {
      SipFramer::Result r = f.next();
      if (r.kind == SipFramer::Kind::Need) break;
      if (r.kind == SipFramer::Kind::Error) {
        (void)handle_sip_error(r.error, svc, counters);
        return 0;
      }
      (void)handle_sip(r.request, who, svc, counters, 1'700'000'000);
    }
    if (f.buffered() > kMaxHeaderSection + kMaxSipBody + 4) __builtin_trap();
  }
  return 0;
}

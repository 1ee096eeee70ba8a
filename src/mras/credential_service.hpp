// The MRAS credential service (issue 3 items 4-7): request body in, decision and response body
// out. No sockets and no clock: the SIP and HTTP front doors pass the requester and `now`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/topology.hpp"
#include "core/clock.hpp"
#include "mras/counters.hpp"
#include "mras/diagnostics.hpp"
#include "mras/requester.hpp"
#include "mras/xml_codec.hpp"

namespace avedge::mras {

struct Authorization;

// The outcome of one [MS-AVEDGEA] request, transport-neutral.
struct XmlOutcome {
  int status = 200;          // 200, 403 (refused requester or identity) or 500 (no secret)
  std::string body;          // the <response> document; never credentials unless granted
  std::optional<Diag> diag;  // set for every refusal and XML-level error
  std::string reason;        // the ms-diagnostics reason sentence
  [[nodiscard]] bool granted() const { return status == 200 && !diag; }
};

// The outcome of GET /api/v1/turn-credentials (TURN REST style).
struct RestOutcome {
  int status = 200;  // 200, 400, 403, 500
  std::optional<Diag> diag;
  std::string reason;
  std::string username;
  std::string password;
  int64_t ttl = 0;                // seconds
  std::vector<std::string> uris;  // turn:/turns: URIs of the user's home pool
};

class CredentialService {
 public:
  // `realm` goes into <credentials><realm>; empty omits it.
  CredentialService(config::Topology topology, std::string realm, Counters& counters);

  XmlOutcome handle_xml(std::string_view body, const Requester& who, UnixSeconds now) const;
  RestOutcome turn_rest(std::string_view user, std::optional<int64_t> ttl_seconds,
                        const Requester& who, UnixSeconds now) const;

  // Value of ms-diagnostics source="...": this edge pool's internal FQDN.
  [[nodiscard]] const std::string& source() const { return source_; }
  [[nodiscard]] const config::Topology& topology() const { return topology_; }

  // ms-diagnostics: 9001;source="edge01.contoso.local";reason="...";component="..."
  [[nodiscard]] std::string ms_diagnostics(Diag d, std::string_view reason) const;

 private:
  XmlOutcome refuse(Diag d, std::string reason, const Requester& who, Response resp, int status,
                    const Authorization* a = nullptr) const;

  config::Topology topology_;
  std::string realm_;
  std::string source_;
  Counters& counters_;
};

// Relays of `pool` for a client at `location` ([MS-AVEDGEA] §2.2.4.4).
MediaRelay relay_for(const config::EdgePool& pool, Location location);
// The credential lifetime: min(requested, pool maximum), at least one minute reported.
Seconds granted_lifetime(const config::EdgePool& pool, std::optional<uint32_t> minutes);

}  // namespace avedge::mras

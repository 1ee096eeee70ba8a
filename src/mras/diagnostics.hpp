// MRAS diagnostic codes (issue 3, DESIGN.md §3): the 9000-9999 range that OCS gives to the Media
// Relay Authentication Service in its ms-diagnostics header. Each code has a cause and a fix;
// docs/MRAS.md prints the same catalogue.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace avedge::mras {

enum class Diag : uint16_t {
  NotAuthorizedServer = 9001,  // a known front end, missing from authorized_internal_servers
  UnknownRequester = 9002,     // no front-end pool matches the certificate, address or key
  IdentityOutsideDomains = 9003,
  RequestMalformed = 9004,
  VersionMismatch = 9005,
  NoPoolSecret = 9006,
  UnknownHomePool = 9007,   // the front end's edge_pool names no [[edge_pool]]
  RequestTooLarge = 9008,   // more than 100 credentialsRequest elements
  MethodNotAllowed = 9009,  // SIP method other than SERVICE
  UnsupportedContentType = 9010,
  BadSipMessage = 9011,  // framing or header error: SIP 400
};

inline constexpr std::string_view kComponent = "Media Relay Authentication Service";

struct DiagInfo {
  Diag code;
  std::string_view name;   // "mras.not_authorized_server"
  std::string_view cause;  // one sentence, used as reason="..."
  std::string_view fix;
};

const DiagInfo& info(Diag d);
std::span<const DiagInfo> catalogue();
constexpr unsigned code_of(Diag d) {
  return static_cast<unsigned>(d);
}

}  // namespace avedge::mras

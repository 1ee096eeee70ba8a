// One SIP request in, one response out ([MS-AVEDGEA] §3.1.5.1, RFC 3261 §8.2): SERVICE with the
// MRAS content type goes to the credential service; other methods get 405 with Allow, other
// content types 415 with Accept; refusals carry ms-diagnostics. Pure: no socket, no clock.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "mras/credential_service.hpp"
#include "mras/sip_message.hpp"

namespace avedge::mras {

// nullopt: nothing to send (ACK, RFC 3261 §17.2.1).
std::optional<std::string> handle_sip(const SipRequest& req, const Requester& who,
                                      const CredentialService& svc, Counters& counters,
                                      UnixSeconds now);

// The answer to a framing error ("" when none can be built); the caller then closes.
std::string handle_sip_error(const SipError& err, const CredentialService& svc, Counters& counters);

// A response copying Via, From, To (with a tag added when absent), Call-ID and CSeq
// (RFC 3261 §8.2.6.2), plus `extra` headers, Content-Type (when a body) and Content-Length.
std::string build_sip_response(const SipRequest& req, int status, std::string_view reason,
                               const std::vector<std::pair<std::string, std::string>>& extra,
                               std::string_view content_type, std::string_view body);

}  // namespace avedge::mras

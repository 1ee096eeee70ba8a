#include "mras/diagnostics.hpp"

#include <array>

namespace avedge::mras {

namespace {

constexpr std::array<DiagInfo, 11> kCatalogue{{
    {Diag::NotAuthorizedServer, "mras.not_authorized_server",
     "The requesting front end is not in its home edge pool's authorized_internal_servers",
     "Add the front end's FQDN to authorized_internal_servers of the [[edge_pool]] named by its "
     "[[frontend_pool]] edge_pool"},
    {Diag::UnknownRequester, "mras.unknown_requester",
     "No front-end pool matches the requester's certificate names, source address or API key",
     "Add a [[frontend_pool]] whose fqdn is a DNS name of the client certificate (or whose "
     "addresses/api_key match), or fix the requester's certificate"},
    {Diag::IdentityOutsideDomains, "mras.identity_outside_domains",
     "The requested identity is not in any of the topology's sip_domains",
     "Request credentials for a user of a configured SIP domain, or add the domain to "
     "[topology] sip_domains"},
    {Diag::RequestMalformed, "mras.request_malformed",
     "The MRAS request body is not a valid [MS-AVEDGEA] request",
     "Send a request element with requestID, version, to, from and credentialsRequest "
     "(identity, location internet|intranet, duration in minutes); no DOCTYPE, at most 64 KiB"},
    {Diag::VersionMismatch, "mras.version_mismatch",
     "The request version is not one this MRAS speaks (1.0 and 2.0)",
     "Send version=\"1.0\" or version=\"2.0\""},
    {Diag::NoPoolSecret, "mras.no_pool_secret",
     "The requester's home edge pool has no secret to issue credentials with",
     "Add secrets = [{ id = \"k1\", file = \"...\" }] to that [[edge_pool]]"},
    {Diag::UnknownHomePool, "mras.unknown_home_pool",
     "The front end's edge_pool names no [[edge_pool]] of the topology",
     "Fix edge_pool of the [[frontend_pool]] or add the missing [[edge_pool]]"},
    {Diag::RequestTooLarge, "mras.request_too_large",
     "The request holds more than 100 credentialsRequest elements",
     "Split the request; [MS-AVEDGEA] allows at most 100 per request"},
    {Diag::MethodNotAllowed, "mras.method_not_allowed", "MRAS answers only SIP SERVICE requests",
     "Send SERVICE to the MRAS URI; other methods get 405 with Allow: SERVICE"},
    {Diag::UnsupportedContentType, "mras.unsupported_content_type",
     "The SERVICE body is not application/msrtc-media-relay-auth+xml",
     "Send Content-Type: application/msrtc-media-relay-auth+xml"},
    {Diag::BadSipMessage, "mras.bad_sip_message",
     "The SIP message is not well framed or lacks a mandatory header",
     "Send RFC 3261 messages with Via, From, To, Call-ID, CSeq and Content-Length"},
}};

}  // namespace

const DiagInfo& info(Diag d) {
  for (const auto& i : kCatalogue) {
    if (i.code == d) return i;
  }
  return kCatalogue[0];
}

std::span<const DiagInfo> catalogue() {
  return kCatalogue;
}

}  // namespace avedge::mras

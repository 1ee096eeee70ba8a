// [MS-AVEDGEA] XML: the MRAS request (§2.2.2) and response (§2.2.3) bodies of a SIP SERVICE with
// Content-Type application/msrtc-media-relay-auth+xml. Namespace
// http://schemas.microsoft.com/2006/09/sip/mrasp. Hostile input is refused before and while
// parsing: bodies over 64 KiB, any DOCTYPE (no entity can be declared, so none expands), nesting
// deeper than 16 and more than 2000 nodes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace avedge::mras {

inline constexpr std::string_view kNamespace = "http://schemas.microsoft.com/2006/09/sip/mrasp";
inline constexpr std::string_view kContentType = "application/msrtc-media-relay-auth+xml";
inline constexpr size_t kMaxBody = 64 * 1024;
inline constexpr size_t kMaxDepth = 16;
inline constexpr size_t kMaxCredentialsRequests = 100;  // §2.2.2.1.2 maxOccurs

// §2.2.4.7 reasonPhraseType: the enumeration's exact strings.
enum class Reason : uint8_t {
  Ok,
  RequestMalformed,
  RequestTooLarge,
  NotSupported,
  ServerBusy,
  TimeOut,
  Forbidden,
  InternalServerError,
  OtherFailure,
  VersionMismatch,
};
std::string_view reason_phrase(Reason r);  // "OK", "Request Malformed", "Version Mismatch", ...

enum class Location : uint8_t { Internet, Intranet };  // §2.2.4.2
std::string_view location_name(Location l);

// §2.2.2.1.3 credentialsRequestType.
struct CredentialsRequest {
  std::string id;        // credentialsRequestID
  std::string identity;  // "sip:alice@contoso.com"
  Location location = Location::Internet;
  std::optional<uint32_t> duration_minutes;  // absent: the pool maximum
};

// §2.2.2.1.2 requestType.
struct Request {
  std::string request_id;
  std::string version;  // "1.0" or "2.0"
  std::string to;
  std::string from;
  std::vector<CredentialsRequest> credentials;
};

struct ParseResult {
  Reason reason = Reason::Ok;  // Ok, RequestMalformed, RequestTooLarge or VersionMismatch
  Request request;             // header fields are filled as far as they were read
  std::string detail;          // why, for logs and ms-diagnostics (never echoes secrets)
  [[nodiscard]] bool ok() const { return reason == Reason::Ok; }
};

// Supported versions: "1.0" (SIPE, OCS 2007) and "2.0" (Lync 2010).
bool version_supported(std::string_view v);
// §3.1.5.2.2: on Version Mismatch, the highest supported version below the client's.
std::string mismatch_version(std::string_view client_version);

ParseResult parse_request(std::string_view body);

// §2.2.4.4 mediaRelayType (hostName form).
struct MediaRelay {
  Location location = Location::Internet;
  std::string host_name;
  std::optional<uint16_t> udp_port;
  std::optional<uint16_t> tcp_port;
};

// §2.2.3.1.3.2 credentialsResponseType with §2.2.4.3 credentialsType.
struct CredentialsResponse {
  std::string id;  // credentialsRequestID
  std::string username;
  std::string password;
  uint32_t duration_minutes = 0;
  std::string realm;  // optional; omitted when empty
  std::vector<MediaRelay> relays;
};

// §2.2.3.1.2 responseType.
struct Response {
  Reason reason = Reason::Ok;
  std::string version = "2.0";
  // requestID, to and from echo the request; absent for a malformed request (§2.2.3.1.2).
  std::optional<std::string> request_id;
  std::optional<std::string> to;
  std::optional<std::string> from;
  std::vector<CredentialsResponse> credentials;
};

std::string build_response(const Response& r);
// The error response for a request that failed parse_request (§3.1.5.1.1, §3.1.5.2.2).
Response error_response(const ParseResult& failed);

// The other direction, for tests, fuzzing and a future `avedge probe`.
std::string build_request(const Request& r);
std::optional<Response> parse_response(std::string_view body);

}  // namespace avedge::mras

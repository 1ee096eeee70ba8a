// Who asks MRAS for credentials (issue 3 item 5): the names of a verified TLS client certificate,
// the source address of the connection, or an HTTP API key. Plain data; authorize() decides.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"

namespace avedge::mras {

enum class Channel : uint8_t { SipTcp, SipTls, Http };
const char* channel_name(Channel c);  // "sip-tcp", "sip-tls", "http"

struct Requester {
  Channel channel = Channel::SipTcp;
  std::vector<std::string> cert_names;  // SAN DNS names, then CN, of a verified client cert
  std::optional<IpAddress> address;     // source address of the connection
  std::string api_key;                  // HTTP only; never logged
  // For events: "cert=pool01.contoso.com addr=10.0.0.5" (never the API key).
  [[nodiscard]] std::string describe() const;
};

}  // namespace avedge::mras

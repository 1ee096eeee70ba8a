// The probe's MRAS client: asks for a user's relay credentials the way a front end does, with a
// SIP SERVICE over TCP or TLS ([MS-AVEDGEA] §3.1.5) or with the HTTP API of docs/MRAS.md, and
// reads the answer or the refusal (ms-diagnostics code 9001-9011).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/address.hpp"
#include "probe/stream.hpp"

namespace avedge::probe {

enum class MrasChannel : uint8_t { SipTcp, SipTls, Http };
const char* name(MrasChannel c);  // "SIP/TCP", "SIP/TLS", "HTTP"

struct MrasQuery {
  MrasChannel channel = MrasChannel::SipTcp;
  Endpoint server;
  std::string identity;                // "sip:alice@contoso.com"
  std::optional<IpAddress> source_ip;  // SIP/TCP: the front end's trusted address
  TlsOptions tls;                      // SIP/TLS: trust and the front end's client certificate
  std::string api_key;                 // HTTP
  uint32_t minutes = 480;
  int timeout_ms = 3000;
};

struct MrasAnswer {
  std::string transport_error;  // set when no answer was read at all
  int status = 0;               // SIP or HTTP status code
  std::string status_text;      // "403 Forbidden"
  unsigned diag_code = 0;       // ms-diagnostics / JSON "code"
  std::string diag_reason;
  std::string reason_phrase;  // XML reasonPhrase ("OK", "Forbidden", ...)
  bool granted = false;
  std::string username;
  std::string password;
  std::string realm;
  std::string relay_host;
  uint16_t udp_port = 0;
  uint16_t tcp_port = 0;
  uint32_t lifetime_s = 0;
};

MrasAnswer ask_mras(const MrasQuery& q);

// Pure parts, unit-tested.
// `9001;source="edge";reason="...";component="..."` → code and reason.
bool parse_ms_diagnostics(std::string_view header, unsigned& code, std::string& reason);
// Fills the answer from a SIP response (status line, headers, XML body).
void read_sip_response(std::string_view head, std::string_view body, MrasAnswer& out);
// Fills the answer from the HTTP API (status and JSON body).
void read_http_response(int status, std::string_view body, MrasAnswer& out);

}  // namespace avedge::probe

// What `avedge analyze` says about usernames and error responses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "diag/check.hpp"

namespace avedge::diag {

// A USERNAME as avedge reads it: a pool credential (issuing pool, key id, identity, expiry), a
// TURN REST name "expiry:user", or a static name.
struct UsernameInfo {
  enum class Kind : uint8_t { Static, Rest, Pool } kind = Kind::Static;
  std::string summary;   // "pool EDGEPOOL02 key k1, sip:bob@contoso.com, expires 2026-11-25 ..."
  bool expired = false;  // at the packet's time
  std::string pool;      // issuing pool of a pool credential
};
UsernameInfo describe_username(std::string_view username, double at);

// An error response and what came before it.
struct ErrorContext {
  uint16_t method = 0;
  uint16_t code = 0;
  std::string reason;          // the response's reason phrase
  bool had_integrity = false;  // the request carried MESSAGE-INTEGRITY(-SHA256)
  std::string username;        // of the request, if any
  std::string peer;            // XOR-PEER-ADDRESS of the request, if any
  double time = 0;
};

struct Explanation {
  std::string id;
  Severity severity = Severity::Error;
  std::string message;
  std::string check;
  bool normal = false;  // part of a healthy exchange (the first 401 challenge)
};
Explanation explain_error(const ErrorContext& c);

// "Allocate", "ChannelBind", ... or "method 0x0abc".
std::string method_name(uint16_t method);

}  // namespace avedge::diag

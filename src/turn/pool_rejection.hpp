// Why a pool credential was refused, in words an operator can act on (issue 3, DESIGN.md §3):
// the event detail and, with [edge] diagnostic_reasons, the 401's reason phrase.
#pragma once

#include <string>
#include <string_view>

#include "auth/credentials.hpp"

namespace avedge::turn {

struct PoolRejection {
  std::string sentence;       // for the event log; no secret
  std::string reason_phrase;  // the same, at most 127 characters (RFC 8489 §14.8)
};

// For a LookupStatus of ForeignPool, UnknownKeyId or Expired on a pool credential.
PoolRejection describe_pool_rejection(auth::LookupStatus status,
                                      const auth::PoolCredentialInfo& info,
                                      std::string_view this_pool, UnixSeconds now);

// Cuts text to at most max bytes without splitting a UTF-8 sequence.
std::string cut_utf8(std::string_view text, size_t max);

}  // namespace avedge::turn

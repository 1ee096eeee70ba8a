// [admin]: where the admin API (metrics, sessions, explain) listens and the bearer token that
// guards it (issue 5 item 2, the metrics contract).
#pragma once

#include <optional>
#include <string>

#include "config/model_basics.hpp"
#include "core/address.hpp"

namespace avedge::config {

struct AdminConfig {
  // nullopt: "off". The built-in default is 127.0.0.1:9090.
  Located<std::optional<Endpoint>> listen{Endpoint{IpAddress::v4(127, 0, 0, 1), 9090}};
  Located<std::string> token;  // empty: none
  // True when the address came from the file or --admin (a bind failure is then fatal; with
  // the built-in default it is a warning, so that several edges can run on one host).
  [[nodiscard]] bool explicit_listen() const { return listen.where.file != builtin_pos().file; }
  // The rule of the metrics contract: a token on every request unless bound to loopback.
  [[nodiscard]] bool requires_token() const;
};

}  // namespace avedge::config

#include "config/admin_rules.hpp"

#include <fmt/format.h>

#include "config/values.hpp"

namespace avedge::config {

namespace {
constexpr size_t kMinTokenLength = 16;

// 127.0.0.0/8 (RFC 1122 §3.2.1.3) and ::1 (RFC 4291 §2.5.3).
bool is_loopback(const IpAddress& ip) {
  if (ip.is_v4()) return ip.bytes[0] == 127;
  for (size_t i = 0; i < 15; ++i) {
    if (ip.bytes[i] != 0) return false;
  }
  return ip.bytes[15] == 1;
}

}  // namespace

bool AdminConfig::requires_token() const {
  return listen.value.has_value() && !is_loopback(listen.value->ip);
}

Parsed<std::optional<Endpoint>> parse_admin_listen(std::string_view text) {
  if (text == "off") return Parsed<std::optional<Endpoint>>::good(std::nullopt);
  auto r = parse_endpoint(text);
  if (!r.ok()) {
    return Parsed<std::optional<Endpoint>>::bad(
        r.problem.cause, "write listen = \"127.0.0.1:9090\", \"[::1]:9090\" or \"off\"");
  }
  return Parsed<std::optional<Endpoint>>::good(*r.value);
}

void check_admin(const AdminConfig& admin, Errors& errors) {
  if (!admin.token.value.empty() && admin.token.value.size() < kMinTokenLength) {
    // Never echo the token itself.
    errors.push_back(ConfigError{admin.token.where, "admin token: shorter than 16 characters",
                                 "use a long random token, e.g. `openssl rand -hex 32`"});
  }
  if (admin.requires_token() && admin.token.value.empty()) {
    errors.push_back(ConfigError{
        admin.listen.where,
        fmt::format("admin listen \"{}\": not a loopback address and no token",
                    admin.listen.value->to_string()),
        "set token = \"...\" under [admin] (clients send Authorization: Bearer <token>), or "
        "listen on 127.0.0.1"});
  }
}

}  // namespace avedge::config

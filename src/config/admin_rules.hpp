// Parsing and checking of [admin] (admin_config.hpp), apart from the model so that config.hpp
// does not include the error types.
#pragma once

#include <optional>
#include <string_view>

#include "config/admin_config.hpp"
#include "config/problem.hpp"

namespace avedge::config {

// "127.0.0.1:9090", "[::1]:9090" or "off".
Parsed<std::optional<Endpoint>> parse_admin_listen(std::string_view text);
// A non-loopback listen address without a token is an error at the listen's file:line.
void check_admin(const AdminConfig& admin, Errors& errors);

}  // namespace avedge::config

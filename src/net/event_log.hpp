// turn::Io::event → one JSON-ish log line: {"event":"auth.stale_nonce","code":2002,...}.
// Never a password or a secret: the core passes none, and the username is escaped.
#pragma once

#include <string>
#include <string_view>

#include "turn/io.hpp"

namespace avedge::net {

std::string format_event(const turn::EventInfo& e, unsigned worker);
void log_event(const turn::EventInfo& e, unsigned worker);
// JSON string escaping of attacker-controlled text (usernames, details).
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace avedge::net

// MRAS events: one JSON line per grant or refusal through spdlog. Fields are identities, pool
// names and codes; never a username, password, secret or API key.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace avedge::mras {

using EventFields = std::vector<std::pair<std::string_view, std::string>>;

// {"event":"mras.refused","code":"9001",...}
std::string format_event(std::string_view name, const EventFields& fields);
void log_grant(const EventFields& fields);
void log_refusal(const EventFields& fields);
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace avedge::mras

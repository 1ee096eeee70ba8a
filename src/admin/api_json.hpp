// JSON bodies of the admin API's /api/v1 endpoints (sessions, explain). User names appear here
// (an operator asked for them) but never in metric labels.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "net/decision_ring.hpp"
#include "turn/server.hpp"

namespace avedge::admin {

// {"sessions":[{"id","user","pool","transport","client","server","relays","peers",
//   "channels","bytes":{"to_peer","to_client"},"packets":{...},"age_seconds",
//   "expires_in_seconds"}]}
std::string sessions_json(const std::vector<turn::AllocationInfo>& sessions, std::string_view pool);
// {"user":..., "decisions":[{"time","event","code","transport","client","detail"}]}
std::string decisions_json(std::string_view user, const std::vector<net::Decision>& decisions);
// {"error": message}
std::string error_json(std::string_view message);

}  // namespace avedge::admin

#include "admin/api_json.hpp"

#include <nlohmann/json.hpp>

namespace avedge::admin {

namespace {

// User names and details are attacker-controlled bytes: dump them with invalid UTF-8 replaced.
std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json session(const turn::AllocationInfo& a, std::string_view pool) {
  nlohmann::json relays = nlohmann::json::array();
  for (const auto& r : a.relays) relays.push_back(r.to_string());
  nlohmann::json peers = nlohmann::json::array();
  for (const auto& ip : a.permission_peers) peers.push_back(ip.to_string());
  nlohmann::json channels = nlohmann::json::array();
  for (const auto& c : a.channel_peers) channels.push_back(c.to_string());
  return nlohmann::json{
      {"id", a.id},
      {"user", a.username},
      {"pool", pool},
      {"transport", turn::to_string(a.tuple.transport)},
      {"client", a.tuple.client.to_string()},
      {"server", a.tuple.server.to_string()},
      {"relays", std::move(relays)},
      {"peers", std::move(peers)},
      {"channels", std::move(channels)},
      {"bytes", {{"to_peer", a.bytes[0]}, {"to_client", a.bytes[1]}}},
      {"packets", {{"to_peer", a.packets[0]}, {"to_client", a.packets[1]}}},
      {"age_seconds", a.age.count()},
      {"expires_in_seconds", a.remaining.count()},
  };
}

}  // namespace

std::string sessions_json(const std::vector<turn::AllocationInfo>& sessions,
                          std::string_view pool) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : sessions) list.push_back(session(a, pool));
  return dump(nlohmann::json{{"sessions", std::move(list)}});
}

std::string decisions_json(std::string_view user, const std::vector<net::Decision>& decisions) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : decisions) {
    nlohmann::json j{{"time", d.time},
                     {"event", turn::reason_code(d.event)},
                     {"code", static_cast<unsigned>(d.event)}};
    if (d.has_tuple) {
      j["transport"] = turn::to_string(d.transport);
      j["client"] = d.client.to_string();
    }
    if (!d.detail.empty()) j["detail"] = d.detail;
    list.push_back(std::move(j));
  }
  return dump(nlohmann::json{{"user", user}, {"decisions", std::move(list)}});
}

std::string error_json(std::string_view message) {
  return dump(nlohmann::json{{"error", message}});
}

}  // namespace avedge::admin

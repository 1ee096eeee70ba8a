// From the validated Config to the objects the TURN core runs with.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/credentials.hpp"
#include "config/config.hpp"
#include "turn/peer_policy.hpp"
#include "turn/server_config.hpp"

namespace avedge::config {

turn::ServerConfig make_server_config(const Config& cfg);
// Static users, REST secrets and, with [edge] pool, the keys of this edge's pool.
std::shared_ptr<auth::CredentialStore> make_credentials(const Config& cfg);
// The keys of an edge pool in the order of the file (the first one issues); empty when the
// pool is unknown or has no secrets.
std::vector<auth::PoolKey> pool_keys(const Topology& t, std::string_view pool);
// Recommended denies unless deny = "none"; allow and deny_extra; the relay addresses of this
// edge are always allowed (two clients of one edge can talk).
std::shared_ptr<turn::PeerPolicy> make_peer_policy(const Config& cfg);

// File descriptors the relay sockets can need at once: one per allocation and relay address
// family, up to the smaller of relay_ports and quota.total; plus kDescriptorReserve for
// listeners, logs, MRAS and the admin API.
inline constexpr uint64_t kDescriptorReserve = 64;
uint64_t descriptors_needed(const Config& cfg);

// A TURN REST credential (username "expiry:user", RFC draft-uberti-behave-turn-rest).
struct RestCredential {
  std::string username;
  std::string password;
};
RestCredential make_rest_credential(std::string_view secret, std::string_view user,
                                    UnixSeconds expiry);

}  // namespace avedge::config

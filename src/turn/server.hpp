// The TURN server state machine (RFC 8656) with STUN Binding (RFC 8489). Pure: bytes,
// addresses and time in; actions out through Io. One instance per worker; nothing in it is
// shared between threads except the QuotaTracker.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/credentials.hpp"
#include "auth/nonce.hpp"
#include "core/address.hpp"
#include "core/clock.hpp"
#include "turn/io.hpp"
#include "turn/peer_policy.hpp"
#include "turn/quota.hpp"
#include "turn/reservations.hpp"
#include "turn/server_config.hpp"
#include "turn/stats.hpp"
#include "wire/stun_message.hpp"

namespace avedge::turn {

// Where a draining edge sends new allocations (RFC 8489 §10 ALTERNATE-SERVER), by the transport
// the client came over; none: 403.
struct DrainTarget {
  std::optional<Endpoint> udp;
  std::optional<Endpoint> stream;  // TCP and TLS
};

struct Now {
  TimePoint mono;    // for lifetimes
  UnixSeconds unix;  // for nonces and credential expiry
};

// Snapshot of one allocation for the admin API and tests.
struct AllocationInfo {
  uint32_t id = 0;  // the first relay's id: unique in the process (worker index << 24 | n)
  ClientTuple tuple;
  std::string username;
  std::vector<Endpoint> relays;
  size_t permissions = 0;
  size_t channels = 0;
  Seconds remaining{0};
  Seconds age{0};
  std::vector<IpAddress> permission_peers;  // RFC 8656 §9: per IP
  std::vector<Endpoint> channel_peers;
  std::array<uint64_t, 2> packets{};  // by Direction (stats.hpp): to peer, to client
  std::array<uint64_t, 2> bytes{};    // payload bytes
};

class Server {
 public:
  Server(ServerConfig cfg, std::shared_ptr<const auth::CredentialStore> creds,
         std::shared_ptr<const auth::NonceService> nonces, std::shared_ptr<const PeerPolicy> policy,
         std::shared_ptr<QuotaTracker> quota, Io& io, uint32_t relay_id_base = 0,
         std::shared_ptr<Reservations> reservations = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Bytes from a client: one UDP datagram or one stream frame (STUN or ChannelData).
  void on_client_packet(const ClientTuple& from, std::span<const uint8_t> bytes, const Now& now);
  // A datagram that arrived on relay socket relay_id from peer.
  void on_peer_packet(uint32_t relay_id, const Endpoint& peer, std::span<const uint8_t> bytes,
                      const Now& now);
  // A TCP/TLS connection closed: its allocation goes too (RFC 8656 §3.1).
  void on_connection_closed(const ClientTuple& tuple, const Now& now);
  // Expires allocations, permissions and channels. Call about once a second.
  void on_timer(const Now& now);

  // Replace shared settings on reload.
  void set_policy(std::shared_ptr<const PeerPolicy> policy);
  void set_credentials(std::shared_ptr<const auth::CredentialStore> creds);

  [[nodiscard]] size_t allocation_count() const;
  [[nodiscard]] bool has_allocation(const ClientTuple& t) const;
  // How often each event happened on this worker (refusals, drops, auth failures by reason).
  // Written only by the worker's thread; safe to read from another (relaxed), for summing.
  [[nodiscard]] uint64_t event_count(Event e) const;
  // Every live counter of this worker (stats.hpp); safe to read from any thread.
  [[nodiscard]] const Stats& stats() const;
  [[nodiscard]] std::vector<AllocationInfo> allocations(const Now& now) const;
  // Deletes the allocation whose AllocationInfo::id is id (admin API); false when none.
  bool delete_allocation(uint32_t id);
  // Draining: new Allocates get 300 Try Alternate to the target, or 403 without one; existing
  // allocations keep relaying and refreshing. nullopt: serve normally again.
  void set_drain(std::optional<DrainTarget> drain);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace avedge::turn

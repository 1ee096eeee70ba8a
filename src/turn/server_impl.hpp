// Internals of turn::Server, shared by its source files (dispatch, authentication, requests).
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <unordered_map>

#include "turn/allocation.hpp"
#include "turn/challenge_limiter.hpp"
#include "turn/server.hpp"
#include "turn/stats.hpp"
#include "wire/stun_builder.hpp"

namespace avedge::turn {

// What a request proved about its sender (RFC 8489 §9.2.4).
struct AuthContext {
  std::string username;
  auth::LongTermKey key;
  bool sha256_key = false;        // PASSWORD-ALGORITHM SHA-256 was negotiated
  bool sha256_integrity = false;  // the request carried MESSAGE-INTEGRITY-SHA256
};

struct Server::Impl {
  Impl(ServerConfig c, std::shared_ptr<const auth::CredentialStore> cr,
       std::shared_ptr<const auth::NonceService> n, std::shared_ptr<const PeerPolicy> p,
       std::shared_ptr<QuotaTracker> q, Io& i, uint32_t base, std::shared_ptr<Reservations> r)
      : cfg(std::move(c)),
        creds(std::move(cr)),
        nonces(std::move(n)),
        policy(std::move(p)),
        quota(std::move(q)),
        reservations(r ? std::move(r) : std::make_shared<Reservations>()),
        io(i),
        next_relay_id(base) {}

  ServerConfig cfg;
  std::shared_ptr<const auth::CredentialStore> creds;
  std::shared_ptr<const auth::NonceService> nonces;
  std::shared_ptr<const PeerPolicy> policy;
  std::shared_ptr<QuotaTracker> quota;
  std::shared_ptr<Reservations> reservations;
  Io& io;
  uint32_t next_relay_id;
  uint64_t indication_seq = 0;
  // Live counters (stats.hpp): single writer, this worker; heap-allocated with Impl and
  // cache-line aligned.
  Stats stats;
  std::optional<DrainTarget> drain;  // set: refuse new allocations (admin API)
  ChallengeLimiter limiter{cfg.challenge_limits};
  TimePoint packet_time{};  // `now` of the client packet being handled

  std::unordered_map<ClientTuple, std::unique_ptr<Allocation>, ClientTupleHash> allocations;
  std::unordered_map<uint32_t, Allocation*> by_relay;

  // Every outgoing message is built here: no heap allocation per packet. Large enough for a
  // Data indication carrying the biggest UDP payload.
  std::array<uint8_t, 65536 + 256> out{};

  // --- dispatch (server.cpp) ---
  void on_stun(const ClientTuple& from, const stun::Message& m, const Now& now);
  void on_channel_data(const ClientTuple& from, std::span<const uint8_t> bytes, const Now& now);
  void on_send_indication(const ClientTuple& from, const stun::Message& m, const Now& now);
  void on_binding(const ClientTuple& from, const stun::Message& m);
  void emit(Event e, const ClientTuple* t, std::string_view user = {},
            std::string_view detail = {});
  Allocation* find(const ClientTuple& t);
  void destroy(const ClientTuple& t, Event why);
  // Counts a relayed datagram on the worker and on its allocation.
  void count_relayed(Allocation& a, Direction d, size_t payload);
  // Moves the permission and channel gauges by what changed on one allocation.
  void track(size_t perms_before, size_t chans_before, const Allocation& a);
  // Hands the allocation's channel routes to a fast path that wants them (Io): UDP only, a
  // stream's ChannelData is framed.
  [[nodiscard]] bool routes_wanted(const ClientTuple& t) const {
    return t.transport == Transport::Udp && io.wants_channel_routes();
  }
  void publish_routes(Allocation& a);

  // --- authentication (server_auth.cpp) ---
  // Returns the proven identity, or nullopt after it has answered the error itself.
  std::optional<AuthContext> authenticate(const ClientTuple& from, const stun::Message& m,
                                          const Now& now);
  // reason: the ERROR-CODE reason phrase, empty unless diagnostic_reasons (RFC 8489 §14.8).
  void send_challenge(const ClientTuple& from, const stun::Message& m, uint16_t code,
                      const Now& now, std::string_view reason = {});

  // --- responses (server_responses.cpp) ---
  // False (and counted as drop.rate_limited) when an unauthenticated error answer to `to`
  // exceeds its source's rate (RFC 8489 §9.2 / SECURITY.md §2: no reflection). UDP only:
  // a TCP or TLS source has proved it receives.
  bool admit_unauthenticated(const ClientTuple& to);
  stun::Builder begin(const stun::Message& req, stun::Class cls);
  // Adds MESSAGE-INTEGRITY(-SHA256) when ctx is set, FINGERPRINT when the request had one,
  // then sends.
  void finish(stun::Builder& b, const ClientTuple& to, const stun::Message& req,
              const AuthContext* ctx);
  void send_error(const ClientTuple& to, const stun::Message& req, uint16_t code,
                  const AuthContext* ctx);
  void send_unknown_attributes(const ClientTuple& to, const stun::Message& req,
                               std::span<const uint16_t> unknown, const AuthContext* ctx);

  // While draining: answers a new Allocate (300 or 403) and returns true.
  bool refuse_for_drain(const ClientTuple& from, const stun::Message& m, const AuthContext& ctx);

  // --- requests (server_allocate.cpp, server_requests.cpp) ---
  void on_allocate(const ClientTuple& from, const stun::Message& m, const AuthContext& ctx,
                   const Now& now);
  void on_refresh(const ClientTuple& from, const stun::Message& m, const AuthContext& ctx,
                  const Now& now);
  void on_create_permission(const ClientTuple& from, const stun::Message& m, const AuthContext& ctx,
                            const Now& now);
  void on_channel_bind(const ClientTuple& from, const stun::Message& m, const AuthContext& ctx,
                       const Now& now);
  // Common checks for requests on an existing allocation: 437 and 441 (RFC 8656 §5).
  Allocation* owned_allocation(const ClientTuple& from, const stun::Message& m,
                               const AuthContext& ctx);
  // Peer address checks shared by CreatePermission and ChannelBind: 443 and 403.
  bool peer_acceptable(const ClientTuple& from, const stun::Message& m, const AuthContext& ctx,
                       const Allocation& a, const Endpoint& peer, bool with_port);
};

}  // namespace avedge::turn

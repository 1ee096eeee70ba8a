// What the pure TURN core asks of the world. The net layer implements it with sockets;
// unit tests implement it with vectors.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/address.hpp"
#include "core/clock.hpp"
#include "turn/channel_routes.hpp"

namespace avedge::turn {

enum class Transport : uint8_t { Udp, Tcp, Tls };
const char* to_string(Transport t);

// The client side of a 5-tuple as the server sees it (RFC 8656 §2). For TCP and TLS,
// conn_id names the connection so two connections from one address never mix.
struct ClientTuple {
  Transport transport = Transport::Udp;
  Endpoint client;  // the client's (reflexive) transport address
  Endpoint server;  // our listening address it sent to
  uint64_t conn_id = 0;
  friend bool operator==(const ClientTuple&, const ClientTuple&) = default;
};
struct ClientTupleHash {
  size_t operator()(const ClientTuple& t) const noexcept;
};

// Stable reason codes for every rejection and notable decision; logged once each, with no
// secret in them (issue "Logs").
enum class Event : uint16_t {
  AllocationCreated = 1000,
  AllocationRefreshed,
  AllocationDeleted,
  AllocationExpired,
  PermissionCreated,
  ChannelBound,
  AuthMissing = 2000,        // request without MESSAGE-INTEGRITY: 401 challenge
  AuthBadRequest,            // missing USERNAME/REALM/NONCE: 400
  AuthStaleNonce,            // 438
  AuthInvalidNonce,          // 438 with a fresh nonce (not issued to this address)
  AuthUnknownUser,           // 401
  AuthExpiredCredential,     // 401
  AuthBadIntegrity,          // 401
  AuthWrongRealm,            // 401
  AuthWrongUser,             // 441: another user on this allocation
  AuthBidDown,               // 400: PASSWORD-ALGORITHMS mismatch
  AuthForeignPool,           // 401: a pool credential issued by another edge pool
  AuthUnknownKeyId,          // 401: this pool's credential under a key id not listed here
  RequestMalformed = 3000,   // 400
  RequestUnknownAttribute,   // 420
  AllocationMismatch,        // 437
  UnsupportedTransport,      // 442
  AddressFamilyUnsupported,  // 440
  PeerFamilyMismatch,        // 443
  PeerDenied,                // 403
  QuotaUser,                 // 486
  QuotaIp,                   // 486
  QuotaTotal,                // 508
  NoRelayPort,               // 508
  PermissionQuota,           // 508
  ChannelConflict,           // 400
  DropNoPermission = 4000,   // datagram dropped: no permission for the peer
  DropNoChannel,             // ChannelData on an unbound channel
  DropNoAllocation,          // indication or ChannelData without allocation
  DropPeerDenied,            // inbound packet from a denied peer
  DropMalformed,             // not STUN, not ChannelData, or failed FINGERPRINT
  DropRateLimited,           // unauthenticated error answer over its source's rate
};
const char* reason_code(Event e);  // "auth.stale_nonce", ...

struct EventInfo {
  Event event;
  const ClientTuple* tuple = nullptr;  // may be null (expiry)
  std::string_view username;           // may be empty; never a password
  std::string_view detail;             // short, no secrets
};

class Reservations;

// How to pick a relay port (RFC 8656 §7.2 step 6, EVEN-PORT §14.6 of RFC 8656).
struct RelayPortRequest {
  enum class Kind : uint8_t {
    Any,       // a random free port of the range
    Even,      // a random free even port
    EvenPair,  // a random free even port whose successor is free too (EVEN-PORT R=1)
    Exact,     // exactly `port` (claiming a RESERVATION-TOKEN)
  };
  Kind kind = Kind::Any;
  uint16_t port = 0;
  // Random choices skip ports that live reservations hold (may be null).
  const Reservations* reservations = nullptr;
  TimePoint now{};
};

class Io {
 public:
  virtual ~Io() = default;
  virtual void send_to_client(const ClientTuple& to, std::span<const uint8_t> bytes) = 0;
  virtual void send_from_relay(uint32_t relay_id, const Endpoint& peer,
                               std::span<const uint8_t> bytes, bool dont_fragment) = 0;
  // Opens a relay socket for relay_id on this edge's relay address of the family, on a port
  // chosen as `req` says. nullopt: no port or family available.
  virtual std::optional<Endpoint> open_relay(uint32_t relay_id, Family family,
                                             const RelayPortRequest& req) = 0;
  virtual void close_relay(uint32_t relay_id) = 0;
  virtual void event(const EventInfo& info) = 0;
  // A kernel fast path (issue 7 item 4): after any change to an allocation's channels,
  // permissions or lifetime, its routes as they now stand; empty when it goes. Only called
  // when wants_channel_routes(). Returns what the kernel relayed on the routes this change
  // took away or replaced, which the allocation adds to its counts.
  [[nodiscard]] virtual bool wants_channel_routes() const { return false; }
  virtual KernelRelayed channel_routes_changed(const ClientTuple& /*t*/,
                                               std::span<const ChannelRoute> /*routes*/) {
    return {};
  }
};

}  // namespace avedge::turn

// One row per relay event; ids and reason codes are in io.hpp / io_names.cpp (stable, never
// renumbered). Answers cite RFC 8656 §6-§12 and RFC 8489 §9.2.
#include "turn/event_catalogue.hpp"

#include <array>

namespace avedge::turn {

namespace {

using S = Severity;
using E = Event;

constexpr auto kCatalogue = std::to_array<EventEntry>({
    {E::AllocationCreated, S::Info, "200", "allocation created",
     "an Allocate succeeded (detail: relayed address)", "-"},
    {E::AllocationRefreshed, S::Debug, "200", "allocation refreshed",
     "a Refresh extended an allocation", "-"},
    {E::AllocationDeleted, S::Info, "-", "allocation deleted",
     "Refresh with lifetime 0, or the TCP/TLS connection closed", "-"},
    {E::AllocationExpired, S::Info, "-", "allocation expired",
     "no Refresh within the lifetime (RFC 8656 §7)",
     "a client that keeps losing allocations refreshes too late or lost its path"},
    {E::PermissionCreated, S::Debug, "200", "permission created",
     "CreatePermission installed or refreshed permissions", "-"},
    {E::ChannelBound, S::Debug, "200", "channel bound", "ChannelBind bound or refreshed a channel",
     "-"},
    {E::AuthMissing, S::Debug, "401", "authentication challenge",
     "a request without MESSAGE-INTEGRITY: the normal first step of every client", "-"},
    {E::AuthBadRequest, S::Warning, "400", "request without credential attributes",
     "MESSAGE-INTEGRITY without USERNAME/USERHASH, REALM or NONCE", "a broken client"},
    {E::AuthStaleNonce, S::Info, "438", "stale nonce", "the nonce is older than [lifetimes] nonce",
     "none: the client retries with the fresh nonce; many per second mean a nonce lifetime "
     "that is too short"},
    {E::AuthInvalidNonce, S::Warning, "438", "nonce not issued to this address",
     "a nonce this edge (or key) never issued to this address: NAT rebinding, or forged",
     "none for a client; many from one source are an attack"},
    {E::AuthUnknownUser, S::Warning, "401", "unknown user",
     "no static user, REST secret or pool key knows the username",
     "check the username the client sends, and [auth]"},
    {E::AuthExpiredCredential, S::Warning, "401", "expired credential",
     "a TURN REST or pool credential past its expiry",
     "the application must fetch a fresh credential"},
    {E::AuthBadIntegrity, S::Warning, "401", "wrong password",
     "MESSAGE-INTEGRITY does not verify: wrong password, or realm",
     "check the password and realm; for REST/pool credentials the secret"},
    {E::AuthWrongRealm, S::Warning, "401", "wrong realm", "REALM differs from this edge's realm",
     "align the client's realm with [edge] realm"},
    {E::AuthWrongUser, S::Warning, "441", "wrong user for the allocation",
     "a request on an allocation from a different user than its owner (RFC 8656 §5)", "-"},
    {E::AuthBidDown, S::Warning, "400", "bid-down attempt",
     "PASSWORD-ALGORITHMS differs from what the edge offered (RFC 8489 §9.2.4)",
     "a client or a middlebox tampering"},
    {E::AuthForeignPool, S::Warning, "401", "credential of another edge pool",
     "a pool credential issued by another edge pool; the detail names both pools",
     "the issuing pool's public_fqdn (or DNS) points at this edge: fix [[edge_pool]] "
     "public_fqdn"},
    {E::AuthUnknownKeyId, S::Warning, "401", "unknown pool key id",
     "this pool's credential under a key id no longer listed",
     "the key was rotated out too early: keep it in secrets until its credentials expire"},
    {E::RequestMalformed, S::Warning, "400", "malformed request",
     "a request missing a required attribute or with a bad one (detail says which)",
     "a broken client"},
    {E::RequestUnknownAttribute, S::Warning, "420", "unknown attribute",
     "unknown comprehension-required attributes (RFC 8489 §7.3.1)", "-"},
    {E::AllocationMismatch, S::Info, "437", "allocation mismatch",
     "Allocate on a 5-tuple that has one, or a request without one", "-"},
    {E::UnsupportedTransport, S::Warning, "442", "unsupported transport",
     "REQUESTED-TRANSPORT other than UDP (TCP relays, RFC 6062, are not offered)", "-"},
    {E::AddressFamilyUnsupported, S::Warning, "440", "address family not supported",
     "a relay of a family this edge has no relay address for",
     "add an IPv6 relay_ips entry to offer IPv6 relays"},
    {E::PeerFamilyMismatch, S::Warning, "443", "peer address family mismatch",
     "a peer of another family than the allocation's relays", "-"},
    {E::PeerDenied, S::Warning, "403", "peer denied",
     "the peer policy refused the peer (detail: denied_default, denied_config, denied_always, "
     "denied_own_service)",
     "if the peer is legitimate (an internal media server), add it to [peers] allow"},
    {E::QuotaUser, S::Warning, "486", "user quota reached",
     "the user holds [quota] per_user allocations", "-"},
    {E::QuotaIp, S::Warning, "486", "client address quota reached",
     "the client IP holds [quota] per_ip allocations", "many users behind one NAT: raise per_ip"},
    {E::QuotaTotal, S::Error, "508", "edge allocation quota reached",
     "the edge holds [quota] total allocations", "add edges to the pool, or raise total"},
    {E::NoRelayPort, S::Error, "508", "no free relay port",
     "no free relay port (or an unknown RESERVATION-TOKEN)", "widen relay_ports"},
    {E::PermissionQuota, S::Warning, "508", "permission or channel quota reached",
     "the allocation holds its maximum of permissions or channels", "-"},
    {E::ChannelConflict, S::Warning, "400", "channel conflict",
     "ChannelBind of a channel bound to another peer, or a peer bound to another channel", "-"},
    {E::DropNoPermission, S::Debug, "none", "datagram dropped: no permission",
     "a datagram to or from a peer without a permission", "-"},
    {E::DropNoChannel, S::Debug, "none", "ChannelData dropped: channel not bound",
     "ChannelData on a channel that is not bound (or expired)", "-"},
    {E::DropNoAllocation, S::Debug, "none", "datagram dropped: no allocation",
     "an indication or ChannelData from a 5-tuple without allocation", "-"},
    {E::DropPeerDenied, S::Debug, "none", "datagram dropped: peer denied",
     "a Send indication to, or a datagram from, a denied peer", "see peer.denied"},
    {E::DropMalformed, S::Debug, "none", "datagram dropped: malformed",
     "neither STUN nor ChannelData, or a message failing RFC 8489 §6.3 checks", "-"},
    {E::DropRateLimited, S::Info, "none", "request dropped: source over its challenge rate",
     "an unauthenticated UDP request whose 401/438/400/420 answer exceeds [limits] "
     "challenges_per_second for its source IP (spoofed flood, or many clients behind one NAT)",
     "many clients behind one NAT: raise challenges_per_second / challenges_burst"},
});

}  // namespace

const char* to_string(Severity s) {
  switch (s) {
    case Severity::Debug:
      return "debug";
    case Severity::Info:
      return "info";
    case Severity::Warning:
      return "warning";
    case Severity::Error:
      return "error";
  }
  return "unknown";
}

std::span<const EventEntry> event_catalogue() {
  return kCatalogue;
}

const EventEntry* find_event(Event e) {
  for (const auto& entry : kCatalogue) {
    if (entry.event == e) return &entry;
  }
  return nullptr;
}

}  // namespace avedge::turn

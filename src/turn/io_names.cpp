// Stable names for transports and reason codes (io.hpp). The reason codes appear in logs and
// metrics labels: never change an existing string.
#include "turn/io.hpp"

namespace avedge::turn {

const char* to_string(Transport t) {
  switch (t) {
    case Transport::Udp:
      return "udp";
    case Transport::Tcp:
      return "tcp";
    case Transport::Tls:
      return "tls";
  }
  return "unknown";
}

const char* reason_code(Event e) {
  switch (e) {
    case Event::AllocationCreated:
      return "allocation.created";
    case Event::AllocationRefreshed:
      return "allocation.refreshed";
    case Event::AllocationDeleted:
      return "allocation.deleted";
    case Event::AllocationExpired:
      return "allocation.expired";
    case Event::PermissionCreated:
      return "permission.created";
    case Event::ChannelBound:
      return "channel.bound";
    case Event::AuthMissing:
      return "auth.missing";
    case Event::AuthBadRequest:
      return "auth.bad_request";
    case Event::AuthStaleNonce:
      return "auth.stale_nonce";
    case Event::AuthInvalidNonce:
      return "auth.invalid_nonce";
    case Event::AuthUnknownUser:
      return "auth.unknown_user";
    case Event::AuthExpiredCredential:
      return "auth.expired_credential";
    case Event::AuthBadIntegrity:
      return "auth.bad_integrity";
    case Event::AuthWrongRealm:
      return "auth.wrong_realm";
    case Event::AuthWrongUser:
      return "auth.wrong_user";
    case Event::AuthBidDown:
      return "auth.bid_down";
    case Event::AuthForeignPool:
      return "auth.foreign_pool";
    case Event::AuthUnknownKeyId:
      return "auth.unknown_key_id";
    case Event::RequestMalformed:
      return "request.malformed";
    case Event::RequestUnknownAttribute:
      return "request.unknown_attribute";
    case Event::AllocationMismatch:
      return "request.allocation_mismatch";
    case Event::UnsupportedTransport:
      return "request.unsupported_transport";
    case Event::AddressFamilyUnsupported:
      return "request.address_family_unsupported";
    case Event::PeerFamilyMismatch:
      return "request.peer_family_mismatch";
    case Event::PeerDenied:
      return "peer.denied";
    case Event::QuotaUser:
      return "quota.user";
    case Event::QuotaIp:
      return "quota.ip";
    case Event::QuotaTotal:
      return "quota.total";
    case Event::NoRelayPort:
      return "capacity.no_relay_port";
    case Event::PermissionQuota:
      return "quota.permissions";
    case Event::ChannelConflict:
      return "request.channel_conflict";
    case Event::DropNoPermission:
      return "drop.no_permission";
    case Event::DropNoChannel:
      return "drop.no_channel";
    case Event::DropNoAllocation:
      return "drop.no_allocation";
    case Event::DropPeerDenied:
      return "drop.peer_denied";
    case Event::DropMalformed:
      return "drop.malformed";
    case Event::DropRateLimited:
      return "drop.rate_limited";
  }
  return "unknown";
}

size_t ClientTupleHash::operator()(const ClientTuple& t) const noexcept {
  // Combine the parts with the 64-bit golden-ratio mix (boost::hash_combine style).
  EndpointHash eh;
  uint64_t h = static_cast<uint64_t>(t.transport);
  auto combine = [&h](uint64_t v) { h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2); };
  combine(eh(t.client));
  combine(eh(t.server));
  combine(t.conn_id);
  return static_cast<size_t>(h);
}

}  // namespace avedge::turn

// CreatePermission and ChannelBind (RFC 8656 §10, §12).
#include <algorithm>

#include "turn/server_impl.hpp"

namespace avedge::turn {
namespace {

void install_permission(Allocation& a, const IpAddress& ip, TimePoint expires) {
  for (auto& p : a.permissions) {
    if (p.ip == ip) {
      p.expires = expires;  // RFC 8656 §9: refresh the existing permission
      return;
    }
  }
  a.permissions.push_back({ip, expires});
}

bool has_permission_entry(const Allocation& a, const IpAddress& ip) {
  return std::any_of(a.permissions.begin(), a.permissions.end(),
                     [&](const Permission& p) { return p.ip == ip; });
}

}  // namespace

bool Server::Impl::peer_acceptable(const ClientTuple& from, const stun::Message& m,
                                   const AuthContext& ctx, const Allocation& a,
                                   const Endpoint& peer, bool with_port) {
  // RFC 8656 §10.2 / §12.2: the peer's family must be one of the allocation's relays → 443.
  if (a.relay_for(peer.ip.family) == nullptr) {
    emit(Event::PeerFamilyMismatch, &from, ctx.username);
    send_error(from, m, stun::error::PeerAddressFamilyMismatch, &ctx);
    return false;
  }
  // RFC 8656 §21.2.2: the server may refuse peers; it does so with 403 (SECURITY.md §2.2).
  // CreatePermission names an IP (its port is ignored, RFC 8656 §9); ChannelBind a transport
  // address, which must also pass the own-service rule.
  const auto verdict = with_port ? policy->check(peer) : policy->check(peer.ip);
  if (verdict != PeerVerdict::Allowed) {
    emit(Event::PeerDenied, &from, ctx.username, to_string(verdict));
    send_error(from, m, stun::error::Forbidden, &ctx);
    return false;
  }
  return true;
}

void Server::Impl::on_create_permission(const ClientTuple& from, const stun::Message& m,
                                        const AuthContext& ctx, const Now& now) {
  Allocation* a = owned_allocation(from, m, ctx);
  if (a == nullptr) return;
  // RFC 8656 §10.2: one or more XOR-PEER-ADDRESS; all are checked before any is installed.
  std::array<Endpoint, stun::kMaxAttributes> peers{};
  size_t count = 0;
  for (const auto& attr : m.attributes()) {
    if (attr.type != stun::attr::XorPeerAddress) continue;
    auto peer = stun::decode_xor_address(attr, m.tid);
    if (!peer) {
      emit(Event::RequestMalformed, &from, ctx.username, "bad XOR-PEER-ADDRESS");
      send_error(from, m, stun::error::BadRequest, &ctx);
      return;
    }
    if (!peer_acceptable(from, m, ctx, *a, *peer, false)) return;
    peers[count++] = *peer;
  }
  if (count == 0) {
    emit(Event::RequestMalformed, &from, ctx.username, "no XOR-PEER-ADDRESS");
    send_error(from, m, stun::error::BadRequest, &ctx);
    return;
  }
  size_t added = 0;
  for (size_t i = 0; i < count; ++i) {
    if (!has_permission_entry(*a, peers[i].ip)) ++added;
  }
  if (a->permissions.size() + added > cfg.max_permissions_per_allocation) {
    emit(Event::PermissionQuota, &from, ctx.username);
    send_error(from, m, stun::error::InsufficientCapacity, &ctx);
    return;
  }
  const TimePoint expires = now.mono + cfg.permission_lifetime;
  const size_t perms_before = a->permissions.size();
  for (size_t i = 0; i < count; ++i) install_permission(*a, peers[i].ip, expires);
  track(perms_before, a->channels.size(), *a);
  publish_routes(*a);
  auto b = begin(m, stun::Class::Success);
  finish(b, from, m, &ctx);
  emit(Event::PermissionCreated, &from, ctx.username);
}

void Server::Impl::on_channel_bind(const ClientTuple& from, const stun::Message& m,
                                   const AuthContext& ctx, const Now& now) {
  Allocation* a = owned_allocation(from, m, ctx);
  if (a == nullptr) return;
  const auto* cn = m.find(stun::attr::ChannelNumber);
  const auto* pa = m.find(stun::attr::XorPeerAddress);
  const auto number = cn != nullptr ? stun::decode_channel_number(*cn) : std::nullopt;
  const auto peer = pa != nullptr ? stun::decode_xor_address(*pa, m.tid) : std::nullopt;
  // RFC 8656 §12.2: both attributes, a channel in range, and no conflicting binding.
  const uint16_t max_channel =
      cfg.strict_channel_numbers ? stun::kChannelMax : stun::kChannelMaxRfc5766;
  if (!number || !peer || *number < stun::kChannelMin || *number > max_channel) {
    emit(Event::RequestMalformed, &from, ctx.username, "bad channel bind");
    send_error(from, m, stun::error::BadRequest, &ctx);
    return;
  }
  const Channel* by_number = a->channel_by_number(*number);
  const Channel* by_peer = a->channel_by_peer(*peer);
  if ((by_number != nullptr && !(by_number->peer == *peer)) ||
      (by_peer != nullptr && by_peer->number != *number)) {
    emit(Event::ChannelConflict, &from, ctx.username);
    send_error(from, m, stun::error::BadRequest, &ctx);
    return;
  }
  if (!peer_acceptable(from, m, ctx, *a, *peer, true)) return;
  const bool new_perm = !has_permission_entry(*a, peer->ip);
  if ((by_number == nullptr && a->channels.size() >= cfg.max_channels_per_allocation) ||
      (new_perm && a->permissions.size() >= cfg.max_permissions_per_allocation)) {
    if (by_number == nullptr && a->channels.size() >= cfg.max_channels_per_allocation) {
      bump(stats.channel_quota);
    }
    emit(Event::PermissionQuota, &from, ctx.username, "channels");
    send_error(from, m, stun::error::InsufficientCapacity, &ctx);
    return;
  }
  const TimePoint channel_expires = now.mono + cfg.channel_lifetime;
  const size_t perms_before = a->permissions.size();
  const size_t chans_before = a->channels.size();
  if (by_number != nullptr) {
    for (auto& c : a->channels) {
      if (c.number == *number) c.expires = channel_expires;
    }
  } else {
    a->channels.push_back({*number, *peer, channel_expires});
  }
  // RFC 8656 §12.2: binding (or refreshing) a channel installs or refreshes the permission.
  install_permission(*a, peer->ip, now.mono + cfg.permission_lifetime);
  track(perms_before, chans_before, *a);
  publish_routes(*a);
  auto b = begin(m, stun::Class::Success);
  finish(b, from, m, &ctx);
  emit(Event::ChannelBound, &from, ctx.username);
}

}  // namespace avedge::turn

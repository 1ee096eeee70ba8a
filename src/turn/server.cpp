// Dispatch of client and peer packets, the data path and timers (RFC 8656 §10-§12).
#include "turn/server.hpp"

#include <algorithm>
#include <cstring>

#include "turn/server_impl.hpp"
#include "wire/channel_data.hpp"

namespace avedge::turn {

Server::Server(ServerConfig cfg, std::shared_ptr<const auth::CredentialStore> creds,
               std::shared_ptr<const auth::NonceService> nonces,
               std::shared_ptr<const PeerPolicy> policy, std::shared_ptr<QuotaTracker> quota,
               Io& io, uint32_t relay_id_base, std::shared_ptr<Reservations> reservations)
    : impl_(std::make_unique<Impl>(std::move(cfg), std::move(creds), std::move(nonces),
                                   std::move(policy), std::move(quota), io, relay_id_base,
                                   std::move(reservations))) {}

Server::~Server() {
  // Give back quota and relay sockets of whatever is still allocated.
  std::vector<ClientTuple> tuples;
  tuples.reserve(impl_->allocations.size());
  for (const auto& [t, a] : impl_->allocations) tuples.push_back(t);
  for (const auto& t : tuples) impl_->destroy(t, Event::AllocationDeleted);
}

void Server::set_policy(std::shared_ptr<const PeerPolicy> policy) {
  auto& s = *impl_;
  s.policy = std::move(policy);
  // Inbound datagrams rely on the policy checked when a permission or channel was installed
  // (PeerPolicy::inbound_allowed): what the new policy denies goes now.
  for (auto& [tuple, a] : s.allocations) {
    const size_t perms = a->permissions.size();
    const size_t chans = a->channels.size();
    std::erase_if(a->permissions, [&](const Permission& p) { return !s.policy->allowed(p.ip); });
    std::erase_if(a->channels, [&](const Channel& c) { return !s.policy->allowed(c.peer); });
    s.track(perms, chans, *a);
    if (perms != a->permissions.size() || chans != a->channels.size()) s.publish_routes(*a);
  }
}
void Server::set_credentials(std::shared_ptr<const auth::CredentialStore> creds) {
  impl_->creds = std::move(creds);
}

size_t Server::allocation_count() const {
  return impl_->allocations.size();
}

bool Server::has_allocation(const ClientTuple& t) const {
  return impl_->allocations.contains(t);
}

std::vector<AllocationInfo> Server::allocations(const Now& now) const {
  std::vector<AllocationInfo> out;
  for (const auto& [t, a] : impl_->allocations) {
    AllocationInfo info;
    info.tuple = t;
    info.username = a->username;
    for (const auto& r : a->relays) info.relays.push_back(r.address);
    info.permissions = a->permissions.size();
    info.channels = a->channels.size();
    info.remaining = std::chrono::duration_cast<Seconds>(a->expires - now.mono);
    info.id = a->relays.empty() ? 0 : a->relays.front().id;
    info.age = std::chrono::duration_cast<Seconds>(now.mono - a->created);
    for (const auto& p : a->permissions) info.permission_peers.push_back(p.ip);
    for (const auto& c : a->channels) info.channel_peers.push_back(c.peer);
    info.packets = a->packets;
    info.bytes = a->bytes;
    out.push_back(std::move(info));
  }
  return out;
}

void Server::on_client_packet(const ClientTuple& from, std::span<const uint8_t> bytes,
                              const Now& now) {
  if (bytes.empty()) return;
  impl_->packet_time = now.mono;
  switch (wire::classify(bytes[0])) {
    case wire::Kind::ChannelData:
      impl_->on_channel_data(from, bytes, now);
      return;
    case wire::Kind::Stun: {
      stun::Message m;
      // RFC 8489 §6.3: a message that fails the basic checks is silently discarded.
      if (stun::parse(bytes, m) != stun::ParseError::None) {
        impl_->emit(Event::DropMalformed, &from);
        return;
      }
      impl_->on_stun(from, m, now);
      return;
    }
    case wire::Kind::Other:
      impl_->emit(Event::DropMalformed, &from);
      return;
  }
}

void Server::Impl::on_stun(const ClientTuple& from, const stun::Message& m, const Now& now) {
  if (m.cls == stun::Class::Indication) {
    // RFC 8656 §10.2: only Send indications come from clients; others are discarded.
    if (m.method == stun::method::Send) on_send_indication(from, m, now);
    return;
  }
  if (m.cls != stun::Class::Request) return;  // responses from clients mean nothing here

  if (m.method == stun::method::Binding) {
    on_binding(from, m);
    return;
  }
  const bool turn_method =
      m.method == stun::method::Allocate || m.method == stun::method::Refresh ||
      m.method == stun::method::CreatePermission || m.method == stun::method::ChannelBind;
  if (!turn_method) {
    // RFC 8489 §6.3.1: a request for an unknown method gets 400.
    emit(Event::RequestMalformed, &from, {}, "unknown method");
    send_error(from, m, stun::error::BadRequest, nullptr);
    return;
  }

  if (m.method == stun::method::Allocate) {
    bump(stats.allocate_requests[Stats::transport_slot(from.transport)]);
  }
  auto ctx = authenticate(from, m, now);
  if (!ctx) return;

  // RFC 8489 §6.3.1.1: unknown comprehension-required attributes → 420 listing them.
  std::array<uint16_t, 8> unknown{};
  const size_t n = stun::unknown_required_attributes(m, unknown);
  if (n > 0) {
    emit(Event::RequestUnknownAttribute, &from, ctx->username);
    send_unknown_attributes(from, m, std::span<const uint16_t>(unknown.data(), n), &*ctx);
    return;
  }

  switch (m.method) {
    case stun::method::Allocate:
      on_allocate(from, m, *ctx, now);
      break;
    case stun::method::Refresh:
      on_refresh(from, m, *ctx, now);
      break;
    case stun::method::CreatePermission:
      on_create_permission(from, m, *ctx, now);
      break;
    case stun::method::ChannelBind:
      on_channel_bind(from, m, *ctx, now);
      break;
    default:
      break;
  }
}

void Server::Impl::on_binding(const ClientTuple& from, const stun::Message& m) {
  // RFC 8489 §6.3.1.1: unknown comprehension-required attributes in a Binding → 420.
  std::array<uint16_t, 8> unknown{};
  const size_t n = stun::unknown_required_attributes(m, unknown);
  if (n > 0) {
    emit(Event::RequestUnknownAttribute, &from);
    send_unknown_attributes(from, m, std::span<const uint16_t>(unknown.data(), n), nullptr);
    return;
  }
  auto b = begin(m, stun::Class::Success);
  b.add_xor_address(stun::attr::XorMappedAddress, from.client);  // RFC 8489 §14.2
  finish(b, from, m, nullptr);
}

Allocation* Server::Impl::find(const ClientTuple& t) {
  auto it = allocations.find(t);
  return it == allocations.end() ? nullptr : it->second.get();
}

void Server::Impl::destroy(const ClientTuple& t, Event why) {
  auto it = allocations.find(t);
  if (it == allocations.end()) return;
  Allocation& a = *it->second;
  for (const auto& r : a.relays) {
    io.close_relay(r.id);
    by_relay.erase(r.id);
  }
  quota->release(a.username, t.client.ip);
  track(a.permissions.size(), a.channels.size(), Allocation{});
  if (routes_wanted(t)) io.channel_routes_changed(t, {});  // its counts go with it
  drop(stats.allocations[Stats::transport_slot(t.transport)]);
  emit(why, &t, a.username);
  allocations.erase(it);
}

uint64_t Server::event_count(Event e) const {
  return impl_->stats.event_count(e);
}

const Stats& Server::stats() const {
  return impl_->stats;
}

bool Server::delete_allocation(uint32_t id) {
  auto it = impl_->by_relay.find(id);
  if (it == impl_->by_relay.end() || it->second->relays.front().id != id) return false;
  const ClientTuple t = it->second->tuple;
  impl_->destroy(t, Event::AllocationDeleted);
  return true;
}

void Server::set_drain(std::optional<DrainTarget> drain) {
  impl_->drain = std::move(drain);
  impl_->stats.draining.store(impl_->drain ? 1 : 0, std::memory_order_relaxed);
}

bool Server::Impl::refuse_for_drain(const ClientTuple& from, const stun::Message& m,
                                    const AuthContext& ctx) {
  if (!drain) return false;
  bump(stats.drain_refusals);
  const auto& to = from.transport == Transport::Udp ? drain->udp : drain->stream;
  if (!to) {
    send_error(from, m, stun::error::Forbidden, &ctx);
    return true;
  }
  // RFC 8489 §10: 300 Try Alternate with ALTERNATE-SERVER, authenticated like the request.
  auto b = begin(m, stun::Class::Error);
  b.add_error_code(stun::error::TryAlternate,
                   stun::error::default_reason(stun::error::TryAlternate));
  b.add_address(stun::attr::AlternateServer, *to);
  finish(b, from, m, &ctx);
  return true;
}

void Server::Impl::emit(Event e, const ClientTuple* t, std::string_view user,
                        std::string_view detail) {
  const size_t ts = t != nullptr ? Stats::transport_slot(t->transport) : Stats::kNoTransport;
  bump(stats.events[ts][Stats::event_slot(e)]);
  io.event(EventInfo{e, t, user, detail});
}

void Server::Impl::count_relayed(Allocation& a, Direction d, size_t payload) {
  const auto i = static_cast<size_t>(d);
  bump(stats.relayed_packets[i]);
  bump(stats.relayed_bytes[i], payload);
  ++a.packets[i];
  a.bytes[i] += payload;
}

void Server::Impl::publish_routes(Allocation& a) {
  if (!routes_wanted(a.tuple)) return;
  const auto routes = channel_routes(a);
  // What the kernel relayed on the routes it gave up counts for the allocation (admin API),
  // not in stats.relayed_*: the fast path's metrics count it for the edge.
  io.channel_routes_changed(a.tuple, routes).add_to(a.packets, a.bytes);
}

void Server::Impl::track(size_t perms_before, size_t chans_before, const Allocation& a) {
  bump(stats.permissions, a.permissions.size());
  drop(stats.permissions, perms_before);
  bump(stats.channels, a.channels.size());
  drop(stats.channels, chans_before);
}

// RFC 8656 §12.6: ChannelData from the client goes to the peer bound to the channel.
void Server::Impl::on_channel_data(const ClientTuple& from, std::span<const uint8_t> bytes,
                                   const Now& now) {
  wire::ChannelData cd;
  if (!wire::parse_channel_data(bytes, cd)) {
    emit(Event::DropMalformed, &from);
    return;
  }
  Allocation* a = find(from);
  if (a == nullptr) {
    emit(Event::DropNoAllocation, &from);
    return;
  }
  const Channel* ch = a->channel_by_number(cd.channel);
  if (ch == nullptr || ch->expires <= now.mono) {
    emit(Event::DropNoChannel, &from, a->username);
    return;
  }
  if (!a->has_permission(ch->peer.ip, now.mono)) {
    emit(Event::DropNoPermission, &from, a->username);
    return;
  }
  const Relay* r = a->relay_for(ch->peer.ip.family);
  if (r == nullptr) return;
  count_relayed(*a, Direction::ToPeer, cd.data.size());
  io.send_from_relay(r->id, ch->peer, cd.data, false);
}

// RFC 8656 §11.2: a Send indication's DATA goes to XOR-PEER-ADDRESS if permitted; anything
// wrong drops it silently (indications get no answer).
void Server::Impl::on_send_indication(const ClientTuple& from, const stun::Message& m,
                                      const Now& now) {
  Allocation* a = find(from);
  if (a == nullptr) {
    emit(Event::DropNoAllocation, &from);
    return;
  }
  const auto* pa = m.find(stun::attr::XorPeerAddress);
  const auto* da = m.find(stun::attr::Data);
  if (pa == nullptr || da == nullptr) {
    emit(Event::DropMalformed, &from, a->username, "send indication without peer or data");
    return;
  }
  auto peer = stun::decode_xor_address(*pa, m.tid);
  if (!peer) {
    emit(Event::DropMalformed, &from, a->username, "bad XOR-PEER-ADDRESS");
    return;
  }
  if (!policy->allowed(*peer)) {
    emit(Event::DropPeerDenied, &from, a->username);
    return;
  }
  if (!a->has_permission(peer->ip, now.mono)) {
    emit(Event::DropNoPermission, &from, a->username);
    return;
  }
  const Relay* r = a->relay_for(peer->ip.family);
  if (r == nullptr) {
    emit(Event::PeerFamilyMismatch, &from, a->username);
    return;
  }
  count_relayed(*a, Direction::ToPeer, da->value.size());
  io.send_from_relay(r->id, *peer, da->value, m.find(stun::attr::DontFragment) != nullptr);
}

// RFC 8656 §11.3, §12.7: a peer's datagram goes to the client as ChannelData when a channel
// is bound to that peer, else as a Data indication; only with a permission for the peer's IP.
void Server::on_peer_packet(uint32_t relay_id, const Endpoint& peer, std::span<const uint8_t> bytes,
                            const Now& now) {
  auto& s = *impl_;
  auto it = s.by_relay.find(relay_id);
  if (it == s.by_relay.end()) return;
  Allocation& a = *it->second;
  // The permission first: unsolicited traffic is dropped before any policy work.
  if (!a.has_permission(peer.ip, now.mono)) {
    s.emit(Event::DropNoPermission, &a.tuple, a.username);
    return;
  }
  if (!s.policy->inbound_allowed(peer)) {
    s.emit(Event::DropPeerDenied, &a.tuple, a.username);
    return;
  }
  const Channel* ch = a.channel_by_peer(peer);
  if (ch != nullptr && ch->expires > now.mono) {
    // Streams must carry padded ChannelData (RFC 8656 §12.5); UDP need not.
    const bool pad = a.tuple.transport != Transport::Udp;
    const size_t n = wire::encode_channel_data(s.out, ch->number, bytes, pad);
    if (n > 0) {
      s.count_relayed(a, Direction::ToClient, bytes.size());
      s.io.send_to_client(a.tuple, std::span<const uint8_t>(s.out.data(), n));
    }
    return;
  }
  // Indications need no unpredictable id: a counter keeps the data path off the CSPRNG.
  stun::TransactionId tid{};
  const uint64_t seq = ++s.indication_seq;
  std::memcpy(tid.data(), &seq, sizeof seq);
  stun::Builder b(s.out, stun::method::Data, stun::Class::Indication, tid);
  b.add_xor_address(stun::attr::XorPeerAddress, peer);
  b.add(stun::attr::Data, bytes);
  if (b.ok()) {
    s.count_relayed(a, Direction::ToClient, bytes.size());
    s.io.send_to_client(a.tuple, b.bytes());
  }
}

void Server::on_connection_closed(const ClientTuple& tuple, const Now& /*now*/) {
  impl_->destroy(tuple, Event::AllocationDeleted);
}

void Server::on_timer(const Now& now) {
  auto& s = *impl_;
  std::vector<ClientTuple> expired;
  for (auto& [t, a] : s.allocations) {
    if (a->expires <= now.mono) {
      expired.push_back(t);
      continue;
    }
    const size_t perms = a->permissions.size();
    const size_t chans = a->channels.size();
    std::erase_if(a->permissions, [&](const Permission& p) { return p.expires <= now.mono; });
    std::erase_if(a->channels, [&](const Channel& c) { return c.expires <= now.mono; });
    s.track(perms, chans, *a);
    if (perms != a->permissions.size() || chans != a->channels.size()) s.publish_routes(*a);
  }
  for (const auto& t : expired) s.destroy(t, Event::AllocationExpired);
}

}  // namespace avedge::turn

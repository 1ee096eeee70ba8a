// Allocate and Refresh (RFC 8656 §7, §8).
#include <algorithm>

#include "turn/server_impl.hpp"

namespace avedge::turn {

Seconds clamp_lifetime(const ServerConfig& cfg, std::optional<uint32_t> requested, bool allocate) {
  if (!requested) return cfg.default_lifetime;
  const Seconds want{*requested};
  if (!allocate && want.count() == 0) return Seconds{0};  // Refresh 0 deletes (RFC 8656 §8)
  // RFC 8656 §7.2: the lesser of the request and the maximum, but never below the default.
  const Seconds capped = std::min(want, cfg.max_lifetime);
  return allocate ? std::max(capped, cfg.default_lifetime) : capped;
}

namespace {

struct FamilyRequest {
  Family primary = Family::V4;
  bool dual = false;  // ADDITIONAL-ADDRESS-FAMILY IPv6 with an IPv4 primary
  uint16_t error = 0;
};

// REQUESTED-ADDRESS-FAMILY and ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §7.2 steps 4-5 and §18.8,
// RFC 8656 §18.10).
FamilyRequest requested_families(const stun::Message& m) {
  FamilyRequest r;
  // Without REQUESTED-ADDRESS-FAMILY the relay is IPv4 (RFC 8656 §7.2), whatever the client uses.
  const auto* req = m.find(stun::attr::RequestedAddressFamily);
  const auto* add = m.find(stun::attr::AdditionalAddressFamily);
  if (req != nullptr && add != nullptr) {
    r.error = stun::error::BadRequest;
    return r;
  }
  if (req != nullptr) {
    auto f = stun::decode_address_family(*req);
    if (!f || (*f != stun::kFamilyV4 && *f != stun::kFamilyV6)) {
      r.error = stun::error::AddressFamilyNotSupported;
      return r;
    }
    r.primary = *f == stun::kFamilyV4 ? Family::V4 : Family::V6;
  }
  if (add != nullptr) {
    auto f = stun::decode_address_family(*add);
    // Only IPv6 is a valid additional family (RFC 8656 §18.10).
    if (!f || *f != stun::kFamilyV6) {
      r.error = stun::error::BadRequest;
      return r;
    }
    r.dual = true;
  }
  return r;
}

}  // namespace

void Server::Impl::on_allocate(const ClientTuple& from, const stun::Message& m,
                               const AuthContext& ctx, const Now& now) {
  // RFC 8656 §7.2 step 2: an existing allocation on this 5-tuple. The same transaction is a
  // retransmission and gets the same answer; anything else gets 437.
  if (Allocation* a = find(from)) {
    if (a->allocate_tid == m.tid && !a->allocate_response.empty()) {
      io.send_to_client(from, a->allocate_response);
      return;
    }
    emit(Event::AllocationMismatch, &from, ctx.username);
    send_error(from, m, stun::error::AllocationMismatch, &ctx);
    return;
  }
  if (refuse_for_drain(from, m, ctx)) return;
  // Step 3: REQUESTED-TRANSPORT must be there and be UDP.
  const auto* rt = m.find(stun::attr::RequestedTransport);
  const auto proto = rt != nullptr ? stun::decode_requested_transport(*rt) : std::nullopt;
  if (!proto) {
    emit(Event::RequestMalformed, &from, ctx.username, "missing REQUESTED-TRANSPORT");
    send_error(from, m, stun::error::BadRequest, &ctx);
    return;
  }
  if (*proto != stun::kProtoUdp) {
    emit(Event::UnsupportedTransport, &from, ctx.username);
    send_error(from, m, stun::error::UnsupportedTransportProtocol, &ctx);
    return;
  }
  // Steps 6-7: EVEN-PORT and RESERVATION-TOKEN. R=1 reserves the next port for a second
  // Allocate (RTP/RTCP); R=0 reserves nothing.
  const auto* even = m.find(stun::attr::EvenPort);
  const auto even_bits = even != nullptr ? stun::decode_even_port(*even) : std::nullopt;
  const bool want_even = even_bits.has_value();
  const bool reserve_next = want_even && *even_bits;
  const auto* token_attr = m.find(stun::attr::ReservationToken);
  if ((even != nullptr && !want_even) ||
      (token_attr != nullptr && (token_attr->value.size() != 8 || even != nullptr ||
                                 m.find(stun::attr::RequestedAddressFamily) != nullptr ||
                                 m.find(stun::attr::AdditionalAddressFamily) != nullptr))) {
    // RFC 8656 §7.2: a token together with EVEN-PORT or an address family attribute is 400.
    emit(Event::RequestMalformed, &from, ctx.username, "even-port/reservation-token");
    send_error(from, m, stun::error::BadRequest, &ctx);
    return;
  }
  std::optional<Endpoint> reserved;
  if (token_attr != nullptr) {
    ReservationToken token{};
    std::copy(token_attr->value.begin(), token_attr->value.end(), token.begin());
    reserved = reservations->take(token, now.mono);
    if (!reserved) {
      // Step 6: a token that is not valid (unknown, used or expired) is 508.
      emit(Event::NoRelayPort, &from, ctx.username, "unknown reservation token");
      send_error(from, m, stun::error::InsufficientCapacity, &ctx);
      return;
    }
  }

  const auto fam = requested_families(m);
  if (fam.error != 0) {
    emit(fam.error == stun::error::BadRequest ? Event::RequestMalformed
                                              : Event::AddressFamilyUnsupported,
         &from, ctx.username);
    send_error(from, m, fam.error, &ctx);
    return;
  }
  const bool primary_ok = fam.primary == Family::V4 ? cfg.ipv4_relay : cfg.ipv6_relay;
  if (!primary_ok) {
    emit(Event::AddressFamilyUnsupported, &from, ctx.username);
    send_error(from, m, stun::error::AddressFamilyNotSupported, &ctx);
    return;
  }

  // Step 10: quotas.
  switch (quota->acquire(ctx.username, from.client.ip)) {
    case QuotaResult::Ok:
      break;
    case QuotaResult::User:
      emit(Event::QuotaUser, &from, ctx.username);
      send_error(from, m, stun::error::AllocationQuotaReached, &ctx);
      return;
    case QuotaResult::Ip:
      emit(Event::QuotaIp, &from, ctx.username);
      send_error(from, m, stun::error::AllocationQuotaReached, &ctx);
      return;
    case QuotaResult::Total:
      emit(Event::QuotaTotal, &from, ctx.username);
      send_error(from, m, stun::error::InsufficientCapacity, &ctx);
      return;
  }

  auto a = std::make_unique<Allocation>();
  a->tuple = from;
  a->username = ctx.username;
  a->key = ctx.key;
  const uint32_t id = next_relay_id++;
  RelayPortRequest port_req{RelayPortRequest::Kind::Any, 0, reservations.get(), now.mono};
  if (reserved) {
    port_req.kind = RelayPortRequest::Kind::Exact;
    port_req.port = reserved->port;
  } else if (want_even) {
    port_req.kind = reserve_next ? RelayPortRequest::Kind::EvenPair : RelayPortRequest::Kind::Even;
  }
  const Family relay_family = reserved ? reserved->ip.family : fam.primary;
  auto relay = io.open_relay(id, relay_family, port_req);
  if (!relay) {
    quota->release(ctx.username, from.client.ip);
    emit(Event::NoRelayPort, &from, ctx.username);
    send_error(from, m, stun::error::InsufficientCapacity, &ctx);
    return;
  }
  a->relays.push_back({id, *relay});
  bool v6_failed = false;
  if (fam.dual) {
    std::optional<Endpoint> second;
    const uint32_t id6 = next_relay_id++;
    const RelayPortRequest any{RelayPortRequest::Kind::Any, 0, reservations.get(), now.mono};
    if (cfg.ipv6_relay) second = io.open_relay(id6, Family::V6, any);
    if (second) {
      a->relays.push_back({id6, *second});
    } else {
      v6_failed = true;
    }
  }
  const auto* lt = m.find(stun::attr::Lifetime);
  const Seconds lifetime =
      clamp_lifetime(cfg, lt != nullptr ? stun::decode_u32(*lt) : std::nullopt, true);
  a->expires = now.mono + lifetime;
  a->allocate_tid = m.tid;
  a->created = now.mono;
  // Counted before the answer leaves: a client that scrapes right after it sees itself.
  bump(stats.allocations[Stats::transport_slot(from.transport)]);

  auto b = begin(m, stun::Class::Success);
  for (const auto& r : a->relays) b.add_xor_address(stun::attr::XorRelayedAddress, r.address);
  if (v6_failed) {
    // RFC 8656 §7.2: the IPv6 part failed; say so in ADDRESS-ERROR-CODE (family, code).
    std::array<uint8_t, 4> v{stun::kFamilyV6, 0, 4, 40};
    b.add(stun::attr::AddressErrorCode, v);
  }
  if (reserve_next) {
    const Endpoint next{relay->ip, static_cast<uint16_t>(relay->port + 1)};
    const auto token = reservations->add(next, now.mono);
    b.add(stun::attr::ReservationToken, token);
  }
  b.add_u32(stun::attr::Lifetime, static_cast<uint32_t>(lifetime.count()));
  b.add_xor_address(stun::attr::XorMappedAddress, from.client);
  finish(b, from, m, &ctx);
  a->allocate_response.assign(b.bytes().begin(), b.bytes().end());

  for (const auto& r : a->relays) by_relay[r.id] = a.get();
  emit(Event::AllocationCreated, &from, ctx.username, a->relays.front().address.to_string());
  allocations.emplace(from, std::move(a));
}

Allocation* Server::Impl::owned_allocation(const ClientTuple& from, const stun::Message& m,
                                           const AuthContext& ctx) {
  Allocation* a = find(from);
  if (a == nullptr) {
    emit(Event::AllocationMismatch, &from, ctx.username);
    send_error(from, m, stun::error::AllocationMismatch, &ctx);
    return nullptr;
  }
  // RFC 8656 §5: requests on an allocation must come from the user who made it.
  if (a->username != ctx.username) {
    emit(Event::AuthWrongUser, &from, ctx.username);
    send_error(from, m, stun::error::WrongCredentials, &ctx);
    return nullptr;
  }
  return a;
}

void Server::Impl::on_refresh(const ClientTuple& from, const stun::Message& m,
                              const AuthContext& ctx, const Now& now) {
  Allocation* a = owned_allocation(from, m, ctx);
  if (a == nullptr) return;
  // RFC 8656 §8: REQUESTED-ADDRESS-FAMILY in a Refresh must match the allocation → else 443.
  if (const auto* rf = m.find(stun::attr::RequestedAddressFamily)) {
    const auto f = stun::decode_address_family(*rf);
    const Family want = f == stun::kFamilyV6 ? Family::V6 : Family::V4;
    if (!f || a->relay_for(want) == nullptr) {
      emit(Event::PeerFamilyMismatch, &from, ctx.username);
      send_error(from, m, stun::error::PeerAddressFamilyMismatch, &ctx);
      return;
    }
  }
  const auto* lt = m.find(stun::attr::Lifetime);
  const Seconds lifetime =
      clamp_lifetime(cfg, lt != nullptr ? stun::decode_u32(*lt) : std::nullopt, false);
  auto b = begin(m, stun::Class::Success);
  b.add_u32(stun::attr::Lifetime, static_cast<uint32_t>(lifetime.count()));
  if (lifetime.count() == 0) {
    finish(b, from, m, &ctx);
    destroy(from, Event::AllocationDeleted);
    return;
  }
  a->expires = now.mono + lifetime;
  publish_routes(*a);
  finish(b, from, m, &ctx);
  emit(Event::AllocationRefreshed, &from, ctx.username);
}

}  // namespace avedge::turn

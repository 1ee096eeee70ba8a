// Allocate and Refresh (RFC 8656 §7, §8), lifetimes and quotas.
#include <gtest/gtest.h>

#include "turn_test_support.hpp"

namespace avedge::turn::testing {
namespace {

std::optional<Endpoint> relayed(const Response& r) {
  const auto* a = r.msg.find(stun::attr::XorRelayedAddress);
  return a != nullptr ? stun::decode_xor_address(*a, r.msg.tid) : std::nullopt;
}

uint32_t lifetime_of(const Response& r) {
  const auto* a = r.msg.find(stun::attr::Lifetime);
  return a != nullptr ? stun::decode_u32(*a).value_or(0) : 0;
}

TEST(ServerAllocate, SuccessCarriesRelayedMappedAndDefaultLifetime) {
  Harness h;
  Client c(h, udp_tuple());
  auto r = c.allocate();
  ASSERT_EQ(r->msg.cls, stun::Class::Success);
  ASSERT_TRUE(relayed(*r));
  EXPECT_EQ(relayed(*r)->to_string(), "192.0.2.100:50000");
  const auto* mapped = r->msg.find(stun::attr::XorMappedAddress);
  ASSERT_NE(mapped, nullptr);
  EXPECT_EQ(stun::decode_xor_address(*mapped, r->msg.tid)->to_string(), "198.51.100.7:40000");
  EXPECT_EQ(lifetime_of(*r), 600U);
  EXPECT_EQ(h.io.open.size(), 1U);
}

TEST(ServerAllocate, RetransmissionGetsTheSameAnswerAndNoSecondAllocation) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();  // learn nonce; allocation exists now
  ASSERT_EQ(h.server->allocation_count(), 1U);
  // A fresh tuple, then the same Allocate twice.
  Client d(h, udp_tuple("198.51.100.9:1234"));
  d.nonce = h.nonces->issue(d.tuple.client, h.now.unix);
  auto tid = new_tid();
  auto req = d.request(
      stun::method::Allocate, [](stun::Builder& b) { b.add_requested_transport(17); }, tid);
  auto first = d.send(req);
  auto second = d.send(req);
  ASSERT_EQ(first.size(), 1U);
  ASSERT_EQ(second.size(), 1U);
  EXPECT_EQ(first[0]->msg.cls, stun::Class::Success);
  EXPECT_EQ(first[0]->bytes, second[0]->bytes);
  EXPECT_EQ(h.server->allocation_count(), 2U);
  EXPECT_EQ(h.io.open.size(), 2U);
  // A new Allocate transaction on the same 5-tuple is 437.
  auto again = d.allocate();
  EXPECT_EQ(error_code_of(*again), 437);
}

TEST(ServerAllocate, MissingRequestedTransportIs400AndTcpIs442) {
  Harness h;
  Client c(h, udp_tuple());
  auto r = c.transact(stun::method::Allocate, [](stun::Builder&) {});
  EXPECT_EQ(error_code_of(*r), 400);
  r = c.transact(stun::method::Allocate, [](stun::Builder& b) { b.add_requested_transport(6); });
  EXPECT_EQ(error_code_of(*r), 442);
  EXPECT_EQ(h.server->allocation_count(), 0U);
}

TEST(ServerAllocate, Ipv6RelayUnavailableIs440) {
  Harness h;
  Client c(h, udp_tuple());
  auto r = c.transact(stun::method::Allocate, [](stun::Builder& b) {
    b.add_requested_transport(17);
    b.add_address_family(stun::attr::RequestedAddressFamily, stun::kFamilyV6);
  });
  EXPECT_EQ(error_code_of(*r), 440);
  r = c.transact(stun::method::Allocate, [](stun::Builder& b) {
    b.add_requested_transport(17);
    b.add_address_family(stun::attr::RequestedAddressFamily, 0x07);
  });
  EXPECT_EQ(error_code_of(*r), 440);
}

TEST(ServerAllocate, DualAllocationGivesTwoRelaysWhenIpv6Exists) {
  ServerConfig cfg;
  cfg.ipv6_relay = true;
  Harness h(cfg);
  h.io.v6_available = true;
  Client c(h, udp_tuple());
  auto r = c.transact(stun::method::Allocate, [](stun::Builder& b) {
    b.add_requested_transport(17);
    b.add_address_family(stun::attr::AdditionalAddressFamily, stun::kFamilyV6);
  });
  ASSERT_EQ(r->msg.cls, stun::Class::Success) << error_code_of(*r);
  int relays = 0;
  for (const auto& a : r->msg.attributes()) relays += a.type == stun::attr::XorRelayedAddress;
  EXPECT_EQ(relays, 2);
}

TEST(ServerAllocate, DualAllocationWithoutIpv6ReportsAddressErrorCode) {
  Harness h;
  Client c(h, udp_tuple());
  auto r = c.transact(stun::method::Allocate, [](stun::Builder& b) {
    b.add_requested_transport(17);
    b.add_address_family(stun::attr::AdditionalAddressFamily, stun::kFamilyV6);
  });
  ASSERT_EQ(r->msg.cls, stun::Class::Success);
  const auto* aec = r->msg.find(stun::attr::AddressErrorCode);
  ASSERT_NE(aec, nullptr);
  EXPECT_EQ(aec->value[0], stun::kFamilyV6);
  EXPECT_EQ(aec->value[2] * 100 + aec->value[3], 440);
}

TEST(ServerAllocate, AdditionalFamilyIpv4AndBothFamilyAttributesAre400) {
  Harness h;
  Client c(h, udp_tuple());
  auto r = c.transact(stun::method::Allocate, [](stun::Builder& b) {
    b.add_requested_transport(17);
    b.add_address_family(stun::attr::AdditionalAddressFamily, stun::kFamilyV4);
  });
  EXPECT_EQ(error_code_of(*r), 400);
  r = c.transact(stun::method::Allocate, [](stun::Builder& b) {
    b.add_requested_transport(17);
    b.add_address_family(stun::attr::RequestedAddressFamily, stun::kFamilyV4);
    b.add_address_family(stun::attr::AdditionalAddressFamily, stun::kFamilyV6);
  });
  EXPECT_EQ(error_code_of(*r), 400);
}

std::unique_ptr<Response> allocate_even(Client& c, bool reserve) {
  return c.transact(stun::method::Allocate, [&](stun::Builder& b) {
    b.add_requested_transport(17);
    const std::array<uint8_t, 1> rbit{static_cast<uint8_t>(reserve ? 0x80 : 0x00)};
    b.add(stun::attr::EvenPort, rbit);
  });
}

TEST(ServerAllocate, EvenPortWithoutRBitReservesNothing) {
  Harness h;
  h.io.next_port = 50001;
  Client c(h, udp_tuple());
  auto r = allocate_even(c, false);
  ASSERT_EQ(r->msg.cls, stun::Class::Success);
  EXPECT_EQ(relayed(*r)->port % 2, 0);
  EXPECT_EQ(r->msg.find(stun::attr::ReservationToken), nullptr);
  EXPECT_EQ(h.io.requests.back().kind, RelayPortRequest::Kind::Even);
}

TEST(ServerAllocate, EvenPortWithRBitReservesTheNextPortForOneTokenUse) {
  auto shared = std::make_shared<Reservations>();
  Harness h;
  // A second worker sharing the reservations, as the net layer runs them.
  Server other(h.cfg, h.creds, h.nonces, h.policy, h.quota, h.io, 1U << 24, shared);
  h.server = std::make_unique<Server>(h.cfg, h.creds, h.nonces, h.policy, h.quota, h.io, 0, shared);
  Client rtp(h, udp_tuple("198.51.100.7:40000"));
  auto r = allocate_even(rtp, true);
  ASSERT_EQ(r->msg.cls, stun::Class::Success);
  const uint16_t port = relayed(*r)->port;
  EXPECT_EQ(port % 2, 0);
  EXPECT_EQ(h.io.requests.back().kind, RelayPortRequest::Kind::EvenPair);
  const auto* tok = r->msg.find(stun::attr::ReservationToken);
  ASSERT_NE(tok, nullptr);
  ASSERT_EQ(tok->value.size(), 8U);
  EXPECT_TRUE(shared->held(Endpoint{relayed(*r)->ip, static_cast<uint16_t>(port + 1)}, h.now.mono));
  const std::vector<uint8_t> token(tok->value.begin(), tok->value.end());

  // The RTCP allocation comes from another client port, handled by the other worker.
  auto rtcp_alloc = [&](const char* from) {
    Client c(h, udp_tuple(from));
    c.nonce = h.nonces->issue(c.tuple.client, h.now.unix);
    auto req = c.request(
        stun::method::Allocate,
        [&](stun::Builder& b) {
          b.add_requested_transport(17);
          b.add(stun::attr::ReservationToken, token);
        },
        new_tid());
    h.io.to_client.clear();
    other.on_client_packet(c.tuple, req, h.now);
    return parse_response(h.io.to_client.at(0).bytes);
  };
  auto r2 = rtcp_alloc("198.51.100.7:40001");
  ASSERT_EQ(r2->msg.cls, stun::Class::Success) << error_code_of(*r2);
  EXPECT_EQ(relayed(*r2)->port, port + 1);
  EXPECT_EQ(h.io.requests.back().kind, RelayPortRequest::Kind::Exact);
  // A token is good once.
  EXPECT_EQ(error_code_of(*rtcp_alloc("198.51.100.7:40002")), 508);
  EXPECT_EQ(shared->size(), 0U);
}

TEST(ServerAllocate, ReservationExpiresAfterThirtySeconds) {
  Reservations res;
  const TimePoint t0{};
  const auto tok = res.add(*Endpoint::parse("192.0.2.100:50001"), t0);
  EXPECT_TRUE(res.held(*Endpoint::parse("192.0.2.100:50001"), t0 + Seconds{29}));
  EXPECT_FALSE(res.held(*Endpoint::parse("192.0.2.100:50001"), t0 + Seconds{30}));
  EXPECT_FALSE(res.take(tok, t0 + Seconds{31}));
  EXPECT_EQ(res.size(), 0U);
}

TEST(ServerAllocate, ReservationTokenWithEvenPortOrFamilyIs400AndUnknownTokenIs508) {
  Harness h;
  Client c(h, udp_tuple());
  const std::array<uint8_t, 8> token{1, 2, 3, 4, 5, 6, 7, 8};
  auto r = c.transact(stun::method::Allocate, [&](stun::Builder& b) {
    b.add_requested_transport(17);
    b.add(stun::attr::ReservationToken, token);
    const std::array<uint8_t, 1> rbit{0x80};
    b.add(stun::attr::EvenPort, rbit);
  });
  EXPECT_EQ(error_code_of(*r), 400);
  r = c.transact(stun::method::Allocate, [&](stun::Builder& b) {
    b.add_requested_transport(17);
    b.add(stun::attr::ReservationToken, token);
    b.add_address_family(stun::attr::RequestedAddressFamily, stun::kFamilyV4);
  });
  EXPECT_EQ(error_code_of(*r), 400);
  r = c.transact(stun::method::Allocate, [&](stun::Builder& b) {
    b.add_requested_transport(17);
    b.add(stun::attr::ReservationToken, token);
  });
  EXPECT_EQ(error_code_of(*r), 508);
  EXPECT_EQ(h.server->allocation_count(), 0U);
}

TEST(ServerAllocate, LifetimeIsClampedBetweenDefaultAndMaximum) {
  ServerConfig cfg;
  EXPECT_EQ(clamp_lifetime(cfg, std::nullopt, true).count(), 600);
  EXPECT_EQ(clamp_lifetime(cfg, 30, true).count(), 600);
  EXPECT_EQ(clamp_lifetime(cfg, 1200, true).count(), 1200);
  EXPECT_EQ(clamp_lifetime(cfg, 999999, true).count(), 3600);
  EXPECT_EQ(clamp_lifetime(cfg, 0, false).count(), 0);
  EXPECT_EQ(clamp_lifetime(cfg, 30, false).count(), 30);
  EXPECT_EQ(clamp_lifetime(cfg, 999999, false).count(), 3600);
}

TEST(ServerAllocate, AllocationExpiresAndRefreshExtendsIt) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  h.advance(Seconds{500});
  ASSERT_EQ(c.refresh(600)->msg.cls, stun::Class::Success);
  h.advance(Seconds{500});
  h.server->on_timer(h.now);
  EXPECT_EQ(h.server->allocation_count(), 1U);
  h.advance(Seconds{101});
  h.server->on_timer(h.now);
  EXPECT_EQ(h.server->allocation_count(), 0U);
  EXPECT_TRUE(h.io.open.empty());
  EXPECT_TRUE(h.io.saw(Event::AllocationExpired));
  EXPECT_EQ(h.quota->total(), 0U);
}

TEST(ServerAllocate, RefreshZeroDeletesAndReleasesEverything) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  auto r = c.refresh(0);
  ASSERT_EQ(r->msg.cls, stun::Class::Success);
  EXPECT_EQ(lifetime_of(*r), 0U);
  EXPECT_EQ(h.server->allocation_count(), 0U);
  EXPECT_TRUE(h.io.open.empty());
  EXPECT_EQ(h.quota->total(), 0U);
  // A Refresh without an allocation is 437.
  EXPECT_EQ(error_code_of(*c.refresh(600)), 437);
}

TEST(ServerAllocate, RefreshWithOtherFamilyIs443) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  auto r = c.transact(stun::method::Refresh, [](stun::Builder& b) {
    b.add_address_family(stun::attr::RequestedAddressFamily, stun::kFamilyV6);
  });
  EXPECT_EQ(error_code_of(*r), 443);
}

TEST(ServerAllocate, UserQuotaIs486AndTotalIs508) {
  Harness h(ServerConfig{}, /*total=*/3, /*per_user=*/2, /*per_ip=*/10);
  Client a1(h, udp_tuple("198.51.100.7:1"));
  Client a2(h, udp_tuple("198.51.100.7:2"));
  Client a3(h, udp_tuple("198.51.100.7:3"));
  EXPECT_EQ(a1.allocate()->msg.cls, stun::Class::Success);
  EXPECT_EQ(a2.allocate()->msg.cls, stun::Class::Success);
  EXPECT_EQ(error_code_of(*a3.allocate()), 486);
  EXPECT_TRUE(h.io.saw(Event::QuotaUser));
  Client b1(h, udp_tuple("198.51.100.8:1"), "bob", "hunter2");
  Client b2(h, udp_tuple("198.51.100.8:2"), "bob", "hunter2");
  EXPECT_EQ(b1.allocate()->msg.cls, stun::Class::Success);
  EXPECT_EQ(error_code_of(*b2.allocate()), 508);
  EXPECT_TRUE(h.io.saw(Event::QuotaTotal));
  // Freeing one lets the next in.
  ASSERT_EQ(a1.refresh(0)->msg.cls, stun::Class::Success);
  EXPECT_EQ(b2.allocate()->msg.cls, stun::Class::Success);
}

TEST(ServerAllocate, NoRelayPortIs508AndQuotaIsGivenBack) {
  Harness h;
  h.io.refuse_relays = true;
  Client c(h, udp_tuple());
  EXPECT_EQ(error_code_of(*c.allocate()), 508);
  EXPECT_EQ(h.quota->total(), 0U);
  EXPECT_TRUE(h.io.saw(Event::NoRelayPort));
}

TEST(ServerAllocate, ClosingTheConnectionDeletesItsAllocation) {
  Harness h;
  ClientTuple t = udp_tuple();
  t.transport = Transport::Tcp;
  t.conn_id = 42;
  Client c(h, t);
  ASSERT_EQ(c.allocate()->msg.cls, stun::Class::Success);
  h.server->on_connection_closed(t, h.now);
  EXPECT_EQ(h.server->allocation_count(), 0U);
  EXPECT_TRUE(h.io.open.empty());
}

}  // namespace
}  // namespace avedge::turn::testing

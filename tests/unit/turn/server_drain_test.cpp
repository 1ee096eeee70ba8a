// Draining (issue 5 item 6): new Allocates are refused with 300 Try Alternate and
// ALTERNATE-SERVER (RFC 8489 §10) or 403 without another edge; existing allocations keep
// refreshing and relaying.
#include <gtest/gtest.h>

#include "turn_test_support.hpp"

namespace avedge::turn::testing {
namespace {

const Endpoint kAlt = *Endpoint::parse("203.0.113.20:3478");

TEST(ServerDrain, NewAllocateGets300WithAlternateServerSigned) {
  Harness h;
  h.server->set_drain(DrainTarget{kAlt, std::nullopt});
  Client c(h, udp_tuple());
  auto r = c.allocate();
  ASSERT_TRUE(r && r->parsed);
  EXPECT_EQ(error_code_of(*r), 300);
  const auto* alt = r->msg.find(stun::attr::AlternateServer);
  ASSERT_NE(alt, nullptr);
  EXPECT_EQ(stun::decode_address(*alt), kAlt);
  EXPECT_NE(r->msg.message_integrity, nullptr);  // RFC 8489 §10: authenticated
  EXPECT_EQ(h.server->allocation_count(), 0U);
  EXPECT_EQ(h.server->stats().drain_refusals.load(), 1U);
  EXPECT_EQ(h.server->stats().draining.load(), 1U);
}

TEST(ServerDrain, WithoutAlternateOrOnStreamsWithoutOneIs403) {
  Harness h;
  h.server->set_drain(DrainTarget{kAlt, std::nullopt});
  Client tcp(h, ClientTuple{Transport::Tcp, *Endpoint::parse("198.51.100.9:40000"),
                            *Endpoint::parse("192.0.2.1:3478"), 5});
  EXPECT_EQ(error_code_of(*tcp.allocate()), 403);
  h.server->set_drain(DrainTarget{});
  Client udp(h, udp_tuple());
  EXPECT_EQ(error_code_of(*udp.allocate()), 403);
}

TEST(ServerDrain, ExistingAllocationsKeepRelayingAndUndrainServesAgain) {
  Harness h;
  Client c(h, udp_tuple());
  ASSERT_EQ(c.allocate()->msg.cls, stun::Class::Success);
  c.create_permission(*Endpoint::parse("8.8.8.8:5000"));
  h.server->set_drain(DrainTarget{});
  EXPECT_EQ(c.refresh(600)->msg.cls, stun::Class::Success);
  h.io.to_peer.clear();
  const std::array<uint8_t, 2> data{1, 2};
  c.send(c.send_indication(*Endpoint::parse("8.8.8.8:5000"), data));
  EXPECT_EQ(h.io.to_peer.size(), 1U);
  h.server->set_drain(std::nullopt);
  EXPECT_EQ(h.server->stats().draining.load(), 0U);
  Client d(h, udp_tuple("198.51.100.7:40001"));
  EXPECT_EQ(d.allocate()->msg.cls, stun::Class::Success);
}

}  // namespace
}  // namespace avedge::turn::testing

// turn::Stats (issue 5 item 1): every refusal and drop moves its own counter on the transport it
// came from, relayed packets and bytes count each way, and the gauges follow allocations,
// permissions and channels up and down.
#include <gtest/gtest.h>

#include "turn/stats.hpp"
#include "turn_test_support.hpp"

namespace avedge::turn::testing {
namespace {

const Endpoint kPeer = *Endpoint::parse("8.8.8.8:5000");

constexpr std::array<Event, 11> kAuthFailures{
    Event::AuthBadRequest,  Event::AuthStaleNonce,        Event::AuthInvalidNonce,
    Event::AuthUnknownUser, Event::AuthExpiredCredential, Event::AuthBadIntegrity,
    Event::AuthWrongRealm,  Event::AuthWrongUser,         Event::AuthBidDown,
    Event::AuthForeignPool, Event::AuthUnknownKeyId};
constexpr std::array<Event, 5> kDrops{Event::DropNoPermission, Event::DropNoChannel,
                                      Event::DropNoAllocation, Event::DropPeerDenied,
                                      Event::DropMalformed};

// e moved by exactly n on transport t, and no other event of the list moved at all.
template <size_t N>
void only_moved(const Stats& s, const std::array<Event, N>& all, Event e, Transport t,
                uint64_t n = 1) {
  EXPECT_EQ(s.event_count(e, t), n) << reason_code(e);
  EXPECT_EQ(s.event_count(e), n) << reason_code(e) << " on another transport";
  for (const Event other : all) {
    if (other != e) {
      EXPECT_EQ(s.event_count(other), 0U) << reason_code(other);
    }
  }
}

ClientTuple tcp_tuple() {
  return ClientTuple{Transport::Tcp, *Endpoint::parse("198.51.100.8:40001"),
                     *Endpoint::parse("192.0.2.1:3478"), 7};
}

TEST(ServerStats, UnknownUserCountsOnItsTransport) {
  Harness h;
  Client c(h, tcp_tuple(), "mallory", "x");
  c.allocate();
  only_moved(h.server->stats(), kAuthFailures, Event::AuthUnknownUser, Transport::Tcp);
  EXPECT_EQ(h.server->stats().event_count(Event::AuthMissing, Transport::Tcp), 1U);
}

TEST(ServerStats, BadIntegrityCountsOnlyItself) {
  Harness h;
  Client c(h, udp_tuple(), "alice", "wrong");
  c.allocate();
  only_moved(h.server->stats(), kAuthFailures, Event::AuthBadIntegrity, Transport::Udp);
}

TEST(ServerStats, StaleNonceCountsOnlyItself) {
  Harness h;
  Client c(h, udp_tuple());
  ASSERT_EQ(c.allocate()->msg.cls, stun::Class::Success);
  h.advance(h.cfg.nonce_lifetime + Seconds{5});
  c.refresh(600);
  only_moved(h.server->stats(), kAuthFailures, Event::AuthStaleNonce, Transport::Udp);
}

TEST(ServerStats, WrongUserCountsOnlyItself) {
  Harness h;
  Client alice(h, udp_tuple());
  ASSERT_EQ(alice.allocate()->msg.cls, stun::Class::Success);
  Client bob(h, udp_tuple(), "bob", "hunter2");
  bob.refresh(600);  // RFC 8656 §5: 441 for another user's allocation
  only_moved(h.server->stats(), kAuthFailures, Event::AuthWrongUser, Transport::Udp);
}

TEST(ServerStats, AllocateRequestsCountedIncludingChallenges) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();  // 401 challenge, then the authenticated request
  EXPECT_EQ(h.server->stats().allocate_requests[0].load(), 2U);
  EXPECT_EQ(h.server->stats().allocate_requests[1].load(), 0U);
}

TEST(ServerStats, DropNoAllocation) {
  Harness h;
  Client c(h, udp_tuple());
  const std::vector<uint8_t> cd{0x40, 0x01, 0x00, 0x01, 0xAB};
  c.send(cd);
  only_moved(h.server->stats(), kDrops, Event::DropNoAllocation, Transport::Udp);
}

TEST(ServerStats, DropNoChannel) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  const std::vector<uint8_t> cd{0x40, 0x01, 0x00, 0x01, 0xAB};
  c.send(cd);
  only_moved(h.server->stats(), kDrops, Event::DropNoChannel, Transport::Udp);
}

TEST(ServerStats, DropNoPermission) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  const std::array<uint8_t, 3> data{1, 2, 3};
  c.send(c.send_indication(kPeer, data));
  only_moved(h.server->stats(), kDrops, Event::DropNoPermission, Transport::Udp);
}

TEST(ServerStats, DropPeerDenied) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  const std::array<uint8_t, 3> data{1, 2, 3};
  c.send(c.send_indication(*Endpoint::parse("10.0.0.1:5000"), data));  // private: denied
  only_moved(h.server->stats(), kDrops, Event::DropPeerDenied, Transport::Udp);
}

TEST(ServerStats, DropMalformed) {
  Harness h;
  Client c(h, udp_tuple());
  const std::vector<uint8_t> junk{0xFF, 0x00, 0x12};
  c.send(junk);
  only_moved(h.server->stats(), kDrops, Event::DropMalformed, Transport::Udp);
}

TEST(ServerStats, QuotaUserCountsOnlyItself) {
  Harness h(ServerConfig{}, 100, 1, 20);
  Client a(h, udp_tuple("198.51.100.7:40000"));
  Client b(h, udp_tuple("198.51.100.7:40001"));
  ASSERT_EQ(a.allocate()->msg.cls, stun::Class::Success);
  EXPECT_EQ(error_code_of(*b.allocate()), 486);
  const Stats& s = h.server->stats();
  EXPECT_EQ(s.event_count(Event::QuotaUser), 1U);
  EXPECT_EQ(s.event_count(Event::QuotaIp) + s.event_count(Event::QuotaTotal) +
                s.event_count(Event::NoRelayPort) + s.event_count(Event::PermissionQuota),
            0U);
}

TEST(ServerStats, RelayedPacketsAndBytesEachWay) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  c.channel_bind(0x4001, kPeer);
  const std::vector<uint8_t> cd{0x40, 0x01, 0x00, 0x03, 0xAB, 0xCD, 0xEF, 0x00};
  c.send(cd);
  c.send(cd);
  const uint32_t relay = h.io.open.begin()->first;
  const std::array<uint8_t, 5> back{1, 2, 3, 4, 5};
  h.server->on_peer_packet(relay, kPeer, back, h.now);
  const Stats& s = h.server->stats();
  EXPECT_EQ(s.relayed_packets[static_cast<size_t>(Direction::ToPeer)].load(), 2U);
  EXPECT_EQ(s.relayed_bytes[static_cast<size_t>(Direction::ToPeer)].load(), 6U);
  EXPECT_EQ(s.relayed_packets[static_cast<size_t>(Direction::ToClient)].load(), 1U);
  EXPECT_EQ(s.relayed_bytes[static_cast<size_t>(Direction::ToClient)].load(), 5U);
  // The same numbers per allocation, for the sessions API.
  const auto infos = h.server->allocations(h.now);
  ASSERT_EQ(infos.size(), 1U);
  EXPECT_EQ(infos[0].packets[0], 2U);
  EXPECT_EQ(infos[0].bytes[1], 5U);
  EXPECT_EQ(infos[0].id, relay);
  ASSERT_EQ(infos[0].channel_peers.size(), 1U);
  EXPECT_EQ(infos[0].channel_peers[0], kPeer);
}

TEST(ServerStats, GaugesFollowAllocationsPermissionsAndChannels) {
  Harness h;
  Client c(h, udp_tuple());
  Client d(h, tcp_tuple());
  c.allocate();
  d.allocate();
  const Stats& s = h.server->stats();
  EXPECT_EQ(s.allocations[0].load(), 1U);
  EXPECT_EQ(s.allocations[1].load(), 1U);
  c.create_permission(kPeer);
  c.create_permission(kPeer);  // a refresh, not a second permission
  c.channel_bind(0x4001, *Endpoint::parse("8.8.4.4:7000"));
  EXPECT_EQ(s.permissions.load(), 2U);
  EXPECT_EQ(s.channels.load(), 1U);
  // Permissions expire after 5 minutes (RFC 8656 §9); the channel refreshes none of kPeer.
  h.advance(Seconds{301});
  h.server->on_timer(h.now);
  EXPECT_EQ(s.permissions.load(), 0U);
  EXPECT_EQ(s.channels.load(), 1U);
  for (const auto& a : h.server->allocations(h.now)) {
    if (a.tuple.transport == Transport::Tcp) {
      EXPECT_TRUE(h.server->delete_allocation(a.id));
    }
  }
  EXPECT_EQ(s.allocations[0].load(), 1U);
  EXPECT_EQ(s.allocations[1].load(), 0U);
  EXPECT_EQ(h.server->stats().event_count(Event::AllocationDeleted), 1U);
}

TEST(ServerStats, DeleteAllocationByIdReleasesEverything) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  c.channel_bind(0x4001, kPeer);
  const auto infos = h.server->allocations(h.now);
  ASSERT_EQ(infos.size(), 1U);
  EXPECT_FALSE(h.server->delete_allocation(infos[0].id + 1));
  EXPECT_TRUE(h.server->delete_allocation(infos[0].id));
  EXPECT_EQ(h.server->allocation_count(), 0U);
  EXPECT_TRUE(h.io.open.empty());
  const Stats& s = h.server->stats();
  EXPECT_EQ(s.allocations[0].load(), 0U);
  EXPECT_EQ(s.permissions.load(), 0U);
  EXPECT_EQ(s.channels.load(), 0U);
  EXPECT_TRUE(h.io.saw(Event::AllocationDeleted));
}

}  // namespace
}  // namespace avedge::turn::testing

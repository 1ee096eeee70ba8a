// Inbound datagrams are checked against the policy of their permission (PeerPolicy::
// inbound_allowed); a policy change (reload) therefore removes what the new policy denies.
#include <gtest/gtest.h>

#include "turn/turn_test_support.hpp"
#include "wire/channel_data.hpp"

namespace avedge::turn {
namespace {

using testing::Client;
using testing::Harness;

ClientTuple tuple_of(const char* client) {
  return ClientTuple{Transport::Udp, *Endpoint::parse(client), *Endpoint::parse("192.0.2.1:3478"),
                     0};
}

TEST(ServerPolicyChange, NewlyDeniedPeerLosesPermissionAndChannel) {
  Harness h;
  Client c(h, tuple_of("198.18.0.1:40000"));
  c.allocate();
  const Endpoint peer = *Endpoint::parse("93.184.216.34:5000");
  ASSERT_EQ(c.channel_bind(0x4000, peer)->msg.cls, stun::Class::Success);
  const uint32_t relay = h.io.open.begin()->first;
  const std::array<uint8_t, 3> data{1, 2, 3};
  h.io.to_client.clear();
  h.server->on_peer_packet(relay, peer, data, h.now);
  ASSERT_EQ(h.io.to_client.size(), 1U);
  EXPECT_EQ(h.server->stats().permissions.load(), 1U);
  EXPECT_EQ(h.server->stats().channels.load(), 1U);

  auto denying = std::make_shared<PeerPolicy>(*h.policy);
  denying->deny(*Cidr::parse("93.184.216.0/24"));
  h.server->set_policy(denying);
  h.io.to_client.clear();
  h.server->on_peer_packet(relay, peer, data, h.now);
  EXPECT_TRUE(h.io.to_client.empty()) << "a peer the new policy denies must not reach the client";
  EXPECT_TRUE(h.io.saw(Event::DropNoPermission));
  EXPECT_EQ(h.server->stats().permissions.load(), 0U);
  EXPECT_EQ(h.server->stats().channels.load(), 0U);
  // The channel is gone too: ChannelData on it is not relayed.
  h.io.to_peer.clear();
  std::vector<uint8_t> frame(4 + data.size());
  wire::encode_channel_data(frame, 0x4000, data, false);
  c.send(frame);
  EXPECT_TRUE(h.io.to_peer.empty());
}

TEST(ServerPolicyChange, StillAllowedPeersKeepRelaying) {
  Harness h;
  Client c(h, tuple_of("198.18.0.1:40001"));
  c.allocate();
  const Endpoint peer = *Endpoint::parse("93.184.216.34:5000");
  ASSERT_EQ(c.create_permission(peer)->msg.cls, stun::Class::Success);
  auto other = std::make_shared<PeerPolicy>(*h.policy);
  other->deny(*Cidr::parse("8.8.8.0/24"));
  h.server->set_policy(other);
  const uint32_t relay = h.io.open.begin()->first;
  const std::array<uint8_t, 2> data{7, 8};
  h.io.to_client.clear();
  h.server->on_peer_packet(relay, peer, data, h.now);
  EXPECT_EQ(h.io.to_client.size(), 1U);
}

TEST(PeerPolicyInbound, OnlyOwnAddressesHaveAPortRule) {
  PeerPolicy p(true);
  p.add_own_relay_address(*IpAddress::parse("192.0.2.100"));
  p.set_own_relay_ports(50000, 59999);
  EXPECT_TRUE(p.inbound_allowed(*Endpoint::parse("192.0.2.100:50001")));
  EXPECT_FALSE(p.inbound_allowed(*Endpoint::parse("192.0.2.100:22")));
  EXPECT_FALSE(p.inbound_allowed(*Endpoint::parse("[::ffff:192.0.2.100]:22")));
  // Anything else was decided when its permission was installed.
  EXPECT_TRUE(p.inbound_allowed(*Endpoint::parse("93.184.216.34:22")));
}

}  // namespace
}  // namespace avedge::turn

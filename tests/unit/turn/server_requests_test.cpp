// CreatePermission and ChannelBind (RFC 8656 §10, §12) and the peer policy on those paths.
#include <gtest/gtest.h>

#include "turn_test_support.hpp"

namespace avedge::turn::testing {
namespace {

const Endpoint kPeer = *Endpoint::parse("8.8.8.8:5000");

TEST(ServerRequests, CreatePermissionSucceedsAndIsSigned) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  auto r = c.create_permission(kPeer);
  ASSERT_EQ(r->msg.cls, stun::Class::Success) << error_code_of(*r);
  EXPECT_TRUE(stun::verify_message_integrity(r->msg, c.key().md5));
  EXPECT_TRUE(h.io.saw(Event::PermissionCreated));
}

TEST(ServerRequests, CreatePermissionWithoutAllocationIs437AndWithoutPeerIs400) {
  Harness h;
  Client c(h, udp_tuple());
  EXPECT_EQ(error_code_of(*c.create_permission(kPeer)), 437);
  c.allocate();
  auto r = c.transact(stun::method::CreatePermission, [](stun::Builder&) {});
  EXPECT_EQ(error_code_of(*r), 400);
}

TEST(ServerRequests, PeerOfOtherFamilyIs443) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  EXPECT_EQ(error_code_of(*c.create_permission(*Endpoint::parse("[2606:4700::1]:5000"))), 443);
  EXPECT_EQ(error_code_of(*c.channel_bind(0x4000, *Endpoint::parse("[2606:4700::1]:5000"))), 443);
}

TEST(ServerRequests, PermissionsAreAllOrNothing) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  auto r = c.transact(stun::method::CreatePermission, [](stun::Builder& b) {
    b.add_xor_address(stun::attr::XorPeerAddress, kPeer);
    b.add_xor_address(stun::attr::XorPeerAddress, *Endpoint::parse("10.0.0.1:1"));
  });
  EXPECT_EQ(error_code_of(*r), 403);
  // 8.8.8.8 was not installed: a Send to it is dropped.
  h.io.to_peer.clear();
  const std::array<uint8_t, 3> data{1, 2, 3};
  c.send(c.send_indication(kPeer, data));
  EXPECT_TRUE(h.io.to_peer.empty());
}

TEST(ServerRequests, PermissionQuotaIs508) {
  ServerConfig cfg;
  cfg.max_permissions_per_allocation = 2;
  Harness h(cfg);
  Client c(h, udp_tuple());
  c.allocate();
  EXPECT_EQ(c.create_permission(*Endpoint::parse("8.8.8.8:1"))->msg.cls, stun::Class::Success);
  EXPECT_EQ(c.create_permission(*Endpoint::parse("8.8.4.4:1"))->msg.cls, stun::Class::Success);
  // Refreshing an existing one is fine; a third address is not.
  EXPECT_EQ(c.create_permission(*Endpoint::parse("8.8.8.8:2"))->msg.cls, stun::Class::Success);
  EXPECT_EQ(error_code_of(*c.create_permission(*Endpoint::parse("1.1.1.1:1"))), 508);
}

TEST(ServerRequests, ChannelBindRulesOfRfc8656Section12) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  EXPECT_EQ(c.channel_bind(0x4000, kPeer)->msg.cls, stun::Class::Success);
  // Refresh of the same binding is fine.
  EXPECT_EQ(c.channel_bind(0x4000, kPeer)->msg.cls, stun::Class::Success);
  // Out of range channel numbers.
  EXPECT_EQ(error_code_of(*c.channel_bind(0x3FFF, *Endpoint::parse("8.8.4.4:1"))), 400);
  EXPECT_EQ(error_code_of(*c.channel_bind(0x8000, *Endpoint::parse("8.8.4.4:1"))), 400);
  // Channel bound to another peer, and peer bound to another channel.
  EXPECT_EQ(error_code_of(*c.channel_bind(0x4000, *Endpoint::parse("8.8.4.4:1"))), 400);
  EXPECT_EQ(error_code_of(*c.channel_bind(0x4001, kPeer)), 400);
  // Missing attributes.
  auto r =
      c.transact(stun::method::ChannelBind, [](stun::Builder& b) { b.add_channel_number(0x4002); });
  EXPECT_EQ(error_code_of(*r), 400);
}

TEST(ServerRequests, Rfc5766ChannelNumbersUnlessStrict) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  ASSERT_EQ(c.channel_bind(0x6375, kPeer)->msg.cls, stun::Class::Success);
  h.io.to_peer.clear();
  c.send(std::vector<uint8_t>{0x63, 0x75, 0x00, 0x01, 0x42});
  ASSERT_EQ(h.io.to_peer.size(), 1U);

  ServerConfig strict;
  strict.strict_channel_numbers = true;
  Harness hs(strict);
  Client s(hs, udp_tuple());
  s.allocate();
  EXPECT_EQ(error_code_of(*s.channel_bind(0x5000, kPeer)), 400);
  EXPECT_EQ(s.channel_bind(0x4FFF, kPeer)->msg.cls, stun::Class::Success);
}

// Every class of the default deny list, and every alias form, on every path that names a peer.
class DeniedPeer : public ::testing::TestWithParam<const char*> {};

TEST_P(DeniedPeer, IsRefusedOnEveryPathAndNothingIsSent) {
  ServerConfig cfg;
  cfg.ipv6_relay = true;
  Harness h(cfg);
  h.io.v6_available = true;
  Client c(h, udp_tuple());
  // A dual allocation so IPv6 forms reach the policy rather than 443.
  auto a = c.transact(stun::method::Allocate, [](stun::Builder& b) {
    b.add_requested_transport(17);
    b.add_address_family(stun::attr::AdditionalAddressFamily, stun::kFamilyV6);
  });
  ASSERT_EQ(a->msg.cls, stun::Class::Success);
  const Endpoint peer{*IpAddress::parse(GetParam()), 5000};
  EXPECT_EQ(error_code_of(*c.create_permission(peer)), 403) << GetParam();
  EXPECT_EQ(error_code_of(*c.channel_bind(0x4000, peer)), 403) << GetParam();
  h.io.to_peer.clear();
  const std::array<uint8_t, 4> data{1, 2, 3, 4};
  c.send(c.send_indication(peer, data));
  EXPECT_TRUE(h.io.to_peer.empty()) << GetParam();
  // Inbound from that address on the relay never reaches the client.
  h.io.to_client.clear();
  for (const auto& [id, ep] : h.io.open) h.server->on_peer_packet(id, peer, data, h.now);
  EXPECT_TRUE(h.io.to_client.empty()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    AllClassesAndAliases, DeniedPeer,
    ::testing::Values(
        // loopback, unspecified, private, CGNAT, link-local/metadata, multicast, broadcast,
        // documentation, benchmarking, reserved
        "127.0.0.1", "127.255.255.254", "0.0.0.0", "0.1.2.3", "10.0.0.1", "172.16.5.4",
        "172.31.255.255", "192.168.1.1", "100.64.0.1", "169.254.169.254", "224.0.0.1",
        "239.255.255.250", "255.255.255.255", "192.0.2.1", "198.51.100.1", "203.0.113.5",
        "198.18.0.1", "240.0.0.1", "192.0.0.8",
        // IPv6 classes
        "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "2001:db8::1",
        // the same IPv4 targets hidden in IPv6 forms
        "::ffff:127.0.0.1", "::127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1",
        "2002:7f00:1::1", "2002:a9fe:a9fe::", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::7f00:1", "::ffff:0.0.0.0"));

TEST(ServerRequests, ConfiguredAllowOpensLoopbackButNeverUnspecified) {
  Harness h;
  auto p = std::make_shared<PeerPolicy>(true);
  p->allow(*Cidr::parse("127.0.0.0/8"));
  p->allow(*Cidr::parse("0.0.0.0/0"));
  h.server->set_policy(p);
  Client c(h, udp_tuple());
  c.allocate();
  EXPECT_EQ(c.create_permission(*Endpoint::parse("127.0.0.1:9"))->msg.cls, stun::Class::Success);
  EXPECT_EQ(error_code_of(*c.create_permission(*Endpoint::parse("0.0.0.0:9"))), 403);
}

TEST(ServerRequests, OwnRelayAddressIsAPeerOnRelayPortsOnly) {
  Harness h;  // relay 192.0.2.100 is in a denied documentation range, but it is ours
  h.policy->set_own_relay_ports(50000, 59999);
  Client c(h, udp_tuple());
  c.allocate();
  const Endpoint other_client_relay = *Endpoint::parse("192.0.2.100:50001");
  const Endpoint own_sshd = *Endpoint::parse("192.0.2.100:22");
  EXPECT_EQ(c.create_permission(other_client_relay)->msg.cls, stun::Class::Success);
  EXPECT_EQ(c.channel_bind(0x4001, other_client_relay)->msg.cls, stun::Class::Success);
  // The same IP on a port outside the relay range is this host's own service.
  EXPECT_EQ(error_code_of(*c.channel_bind(0x4002, own_sshd)), 403);
  h.io.to_peer.clear();
  const std::array<uint8_t, 2> data{1, 2};
  c.send(c.send_indication(own_sshd, data));
  EXPECT_TRUE(h.io.to_peer.empty());
  c.send(c.send_indication(other_client_relay, data));
  EXPECT_EQ(h.io.to_peer.size(), 1U);
  // Inbound from the own service is dropped even though the IP has a permission.
  h.io.to_client.clear();
  const uint32_t relay = h.io.open.begin()->first;
  h.server->on_peer_packet(relay, own_sshd, data, h.now);
  EXPECT_TRUE(h.io.to_client.empty());
  h.server->on_peer_packet(relay, other_client_relay, data, h.now);
  EXPECT_EQ(h.io.to_client.size(), 1U);
  // An explicit allow entry opens it (tests put peers on the relay's own loopback address).
  auto p = std::make_shared<PeerPolicy>(*h.policy);
  p->allow(*Cidr::parse("192.0.2.100/32"));
  h.server->set_policy(p);
  EXPECT_EQ(c.channel_bind(0x4002, own_sshd)->msg.cls, stun::Class::Success);
}

}  // namespace
}  // namespace avedge::turn::testing

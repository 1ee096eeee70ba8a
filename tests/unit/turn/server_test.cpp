// Dispatch and the data path of turn::Server: Binding, Send/Data, ChannelData, malformed input.
#include <gtest/gtest.h>

#include "turn_test_support.hpp"
#include "wire/channel_data.hpp"

namespace avedge::turn::testing {
namespace {

const Endpoint kPeer = *Endpoint::parse("8.8.8.8:5000");

std::vector<uint8_t> binding(const stun::TransactionId& tid, bool fingerprint) {
  std::vector<uint8_t> buf(128);
  stun::Builder b(buf, stun::method::Binding, stun::Class::Request, tid);
  if (fingerprint) b.add_fingerprint();
  buf.resize(b.size());
  return buf;
}

TEST(Server, BindingAnswersXorMappedAddressWithoutAuth) {
  Harness h;
  Client c(h, udp_tuple());
  auto tid = new_tid();
  auto rs = c.send(binding(tid, true));
  ASSERT_EQ(rs.size(), 1U);
  ASSERT_TRUE(rs[0]->parsed);
  EXPECT_EQ(rs[0]->msg.cls, stun::Class::Success);
  EXPECT_EQ(rs[0]->msg.tid, tid);
  const auto* m = rs[0]->msg.find(stun::attr::XorMappedAddress);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(stun::decode_xor_address(*m, tid)->to_string(), "198.51.100.7:40000");
  EXPECT_NE(rs[0]->msg.fingerprint, nullptr);  // mirrors the request's FINGERPRINT
  EXPECT_EQ(rs[0]->msg.find(stun::attr::Software), nullptr);
  // Without FINGERPRINT in the request, none in the answer.
  rs = c.send(binding(new_tid(), false));
  ASSERT_EQ(rs.size(), 1U);
  EXPECT_EQ(rs[0]->msg.fingerprint, nullptr);
}

TEST(Server, BindingWithUnknownComprehensionRequiredAttributeIs420) {
  Harness h;
  Client c(h, udp_tuple());
  std::vector<uint8_t> buf(128);
  stun::Builder b(buf, stun::method::Binding, stun::Class::Request, new_tid());
  const std::array<uint8_t, 4> v{1, 2, 3, 4};
  b.add(0x7F01, v);
  b.add(0xC001, v);  // comprehension-optional: ignored
  buf.resize(b.size());
  auto rs = c.send(buf);
  ASSERT_EQ(rs.size(), 1U);
  EXPECT_EQ(error_code_of(*rs[0]), 420);
  const auto* ua = rs[0]->msg.find(stun::attr::UnknownAttributes);
  ASSERT_NE(ua, nullptr);
  ASSERT_EQ(ua->value.size(), 2U);
  EXPECT_EQ((ua->value[0] << 8) | ua->value[1], 0x7F01);
}

TEST(Server, AuthenticatedRequestWithUnknownRequiredAttributeIs420) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  auto r = c.transact(stun::method::Refresh, [](stun::Builder& b) {
    const std::array<uint8_t, 4> v{0, 0, 0, 0};
    b.add(0x0031, v);
  });
  EXPECT_EQ(error_code_of(*r), 420);
}

TEST(Server, UnknownMethodRequestIs400AndResponsesFromClientsAreIgnored) {
  Harness h;
  Client c(h, udp_tuple());
  std::vector<uint8_t> buf(64);
  stun::Builder b(buf, 0x00FF, stun::Class::Request, new_tid());
  buf.resize(b.size());
  auto rs = c.send(buf);
  ASSERT_EQ(rs.size(), 1U);
  EXPECT_EQ(error_code_of(*rs[0]), 400);
  std::vector<uint8_t> resp(64);
  stun::Builder r(resp, stun::method::Binding, stun::Class::Success, new_tid());
  resp.resize(r.size());
  EXPECT_TRUE(c.send(resp).empty());
}

TEST(Server, SendIndicationReachesPermittedPeerOnly) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  const std::array<uint8_t, 5> data{'h', 'e', 'l', 'l', 'o'};
  c.send(c.send_indication(kPeer, data));
  EXPECT_TRUE(h.io.to_peer.empty());  // no permission yet
  EXPECT_TRUE(h.io.saw(Event::DropNoPermission));
  c.create_permission(kPeer);
  c.send(c.send_indication(*Endpoint::parse("8.8.8.8:6000"), data));  // port is ignored
  ASSERT_EQ(h.io.to_peer.size(), 1U);
  EXPECT_EQ(h.io.to_peer[0].peer.to_string(), "8.8.8.8:6000");
  EXPECT_EQ(h.io.to_peer[0].bytes, std::vector<uint8_t>(data.begin(), data.end()));
}

TEST(Server, PeerDatagramBecomesDataIndicationOrChannelData) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  ASSERT_EQ(h.io.open.size(), 1U);
  const uint32_t relay = h.io.open.begin()->first;
  const std::array<uint8_t, 3> data{7, 8, 9};
  // Without a permission: dropped.
  h.io.to_client.clear();
  h.server->on_peer_packet(relay, kPeer, data, h.now);
  EXPECT_TRUE(h.io.to_client.empty());
  // With a permission: a Data indication with XOR-PEER-ADDRESS and DATA.
  c.create_permission(kPeer);
  h.io.to_client.clear();
  h.server->on_peer_packet(relay, kPeer, data, h.now);
  ASSERT_EQ(h.io.to_client.size(), 1U);
  auto ind = parse_response(h.io.to_client[0].bytes);
  ASSERT_TRUE(ind->parsed);
  EXPECT_EQ(ind->msg.method, stun::method::Data);
  EXPECT_EQ(ind->msg.cls, stun::Class::Indication);
  EXPECT_EQ(stun::decode_xor_address(*ind->msg.find(stun::attr::XorPeerAddress), ind->msg.tid),
            kPeer);
  const auto* d = ind->msg.find(stun::attr::Data);
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(std::equal(d->value.begin(), d->value.end(), data.begin(), data.end()));
  // With a channel: ChannelData, unpadded on UDP.
  c.channel_bind(0x4001, kPeer);
  h.io.to_client.clear();
  h.server->on_peer_packet(relay, kPeer, data, h.now);
  ASSERT_EQ(h.io.to_client.size(), 1U);
  EXPECT_EQ(h.io.to_client[0].bytes, (std::vector<uint8_t>{0x40, 0x01, 0x00, 0x03, 7, 8, 9}));
}

TEST(Server, ChannelDataOnStreamsIsPadded) {
  Harness h;
  ClientTuple t = udp_tuple();
  t.transport = Transport::Tcp;
  t.conn_id = 7;
  Client c(h, t);
  c.allocate();
  c.channel_bind(0x4001, kPeer);
  const uint32_t relay = h.io.open.begin()->first;
  h.io.to_client.clear();
  const std::array<uint8_t, 3> data{7, 8, 9};
  h.server->on_peer_packet(relay, kPeer, data, h.now);
  ASSERT_EQ(h.io.to_client.size(), 1U);
  EXPECT_EQ(h.io.to_client[0].bytes, (std::vector<uint8_t>{0x40, 0x01, 0x00, 0x03, 7, 8, 9, 0}));
}

TEST(Server, ChannelDataFromClientGoesToBoundPeer) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  c.channel_bind(0x4001, kPeer);
  h.io.to_peer.clear();
  const std::vector<uint8_t> cd{0x40, 0x01, 0x00, 0x02, 0xAB, 0xCD, 0x00, 0x00};  // padded is fine
  c.send(cd);
  ASSERT_EQ(h.io.to_peer.size(), 1U);
  EXPECT_EQ(h.io.to_peer[0].peer, kPeer);
  EXPECT_EQ(h.io.to_peer[0].bytes, (std::vector<uint8_t>{0xAB, 0xCD}));
  // An unbound channel is dropped, and relaying continues afterwards.
  const std::vector<uint8_t> unbound{0x40, 0x02, 0x00, 0x01, 0xEE};
  c.send(unbound);
  EXPECT_EQ(h.io.to_peer.size(), 1U);
  EXPECT_TRUE(h.io.saw(Event::DropNoChannel));
  c.send(cd);
  EXPECT_EQ(h.io.to_peer.size(), 2U);
}

TEST(Server, ChannelExpiresAfterTenMinutesWithoutRefresh) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  c.channel_bind(0x4001, kPeer);
  h.advance(Seconds{400});
  c.refresh(3600);
  c.create_permission(kPeer);  // permission stays; only the channel ages out
  h.advance(Seconds{201});
  h.server->on_timer(h.now);
  h.io.to_peer.clear();
  c.send(std::vector<uint8_t>{0x40, 0x01, 0x00, 0x01, 0x01});
  EXPECT_TRUE(h.io.to_peer.empty());
}

TEST(Server, PermissionExpiresAfterFiveMinutes) {
  Harness h;
  Client c(h, udp_tuple());
  c.allocate();
  c.create_permission(kPeer);
  const std::array<uint8_t, 1> data{1};
  h.advance(Seconds{299});
  c.send(c.send_indication(kPeer, data));
  EXPECT_EQ(h.io.to_peer.size(), 1U);
  h.advance(Seconds{2});
  c.send(c.send_indication(kPeer, data));
  EXPECT_EQ(h.io.to_peer.size(), 1U);
}

TEST(Server, MalformedInputIsDroppedAndOthersKeepRelaying) {
  Harness h;
  Client good(h, udp_tuple());
  good.allocate();
  good.channel_bind(0x4001, kPeer);
  Client bad(h, udp_tuple("203.0.113.66:1111"));

  std::vector<std::vector<uint8_t>> junk;
  junk.push_back({0x00, 0x01, 0x00});  // truncated header
  auto lie = binding(new_tid(), false);
  lie[3] = 0x40;  // length lies
  junk.push_back(lie);
  auto odd = binding(new_tid(), false);
  odd.push_back(0);
  odd[3] = 1;  // not a multiple of 4
  junk.push_back(odd);
  auto fp = binding(new_tid(), true);
  fp.back() ^= 0xFF;  // wrong FINGERPRINT
  junk.push_back(fp);
  junk.push_back({0x40, 0x01, 0xFF, 0xFF, 0x00});  // ChannelData lies
  junk.push_back({0x80, 0x01, 0x00, 0x00});        // neither
  junk.push_back({});
  for (const auto& j : junk) EXPECT_TRUE(bad.send(j).empty());

  // Attributes after MESSAGE-INTEGRITY are ignored (RFC 8489 §14.5): a LIFETIME appended to a
  // signed Refresh does not change the answer.
  auto req = good.request(
      stun::method::Refresh, [](stun::Builder& b) { b.add_u32(stun::attr::Lifetime, 700); },
      new_tid());
  const std::array<uint8_t, 8> extra{0x00, 0x0D, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00};
  req.insert(req.end(), extra.begin(), extra.end());
  req[3] = static_cast<uint8_t>(req[3] + 8);
  auto rs = good.send(req);
  ASSERT_EQ(rs.size(), 1U);
  EXPECT_EQ(rs[0]->msg.cls, stun::Class::Success);
  EXPECT_EQ(stun::decode_u32(*rs[0]->msg.find(stun::attr::Lifetime)), 700U);

  h.io.to_peer.clear();
  good.send(std::vector<uint8_t>{0x40, 0x01, 0x00, 0x01, 0x01});
  EXPECT_EQ(h.io.to_peer.size(), 1U);
}

TEST(Server, SoftwareAttributeOnlyWhenConfigured) {
  ServerConfig cfg;
  cfg.software = true;
  Harness h(cfg);
  Client c(h, udp_tuple());
  auto rs = c.send(binding(new_tid(), false));
  ASSERT_EQ(rs.size(), 1U);
  ASSERT_NE(rs[0]->msg.find(stun::attr::Software), nullptr);
}

}  // namespace
}  // namespace avedge::turn::testing

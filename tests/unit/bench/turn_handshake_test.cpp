// The load generator's client state machine against the real TURN core (turn::Server with a
// fake Io): the handshake it runs per allocation must be what a server accepts.
#include "bench/turn_handshake.hpp"

#include <gtest/gtest.h>

#include "turn/turn_test_support.hpp"

namespace avedge::bench {
namespace {

using turn::testing::Harness;

turn::ServerConfig short_nonces() {
  turn::ServerConfig c;
  c.nonce_lifetime = Seconds{60};  // well inside the 600 s allocation lifetime
  c.ipv6_relay = true;             // IPv4 stays the default relay family (RFC 8656 §7.1)
  return c;
}

class Handshake : public ::testing::Test {
 protected:
  Harness h{short_nonces()};
  turn::ClientTuple tuple{turn::Transport::Udp, *Endpoint::parse("198.18.0.1:40000"),
                          *Endpoint::parse("192.0.2.1:3478"), 0};
  Endpoint peer = *Endpoint::parse("93.184.216.34:5000");

  // Sends `req` to the server and feeds its answer back; returns the next request.
  std::span<const uint8_t> exchange(TurnHandshake& hs, std::span<const uint8_t> req) {
    const size_t before = h.io.to_client.size();
    h.server->on_client_packet(tuple, req, h.now);
    EXPECT_EQ(h.io.to_client.size(), before + 1) << "the server answered nothing";
    if (h.io.to_client.size() == before) return {};
    answer_ = h.io.to_client.back().bytes;
    return hs.on_message(answer_);
  }

  void run_to_ready(TurnHandshake& hs) {
    std::span<const uint8_t> req = hs.start();
    for (int i = 0; i < 5 && !req.empty(); ++i) req = exchange(hs, req);
  }

  std::vector<uint8_t> answer_;
};

TEST_F(Handshake, ChannelDataSessionGetsReady) {
  TurnHandshake hs("alice", "secret", peer, 0x4000);
  run_to_ready(hs);
  ASSERT_EQ(hs.state(), TurnHandshake::State::Ready) << hs.error();
  EXPECT_EQ(hs.relay().ip.to_string(), "192.0.2.100");
  EXPECT_GT(hs.lifetime(), 0U);
  EXPECT_TRUE(h.io.saw(turn::Event::ChannelBound));
  EXPECT_EQ(h.server->allocation_count(), 1U);
}

TEST_F(Handshake, AnIpv6PeerGetsAnIpv6RelayedAddress) {
  // RFC 8656 §7.1: without REQUESTED-ADDRESS-FAMILY the relay is IPv4 and a ChannelBind to an
  // IPv6 peer is 443.
  h.io.v6_available = true;
  TurnHandshake hs("alice", "secret", *Endpoint::parse("[2606:4700::1]:5000"), 0x4000);
  run_to_ready(hs);
  ASSERT_EQ(hs.state(), TurnHandshake::State::Ready) << hs.error();
  EXPECT_EQ(hs.relay().ip.to_string(), "2001:db8::100");
  EXPECT_TRUE(h.io.saw(turn::Event::ChannelBound));
}

TEST_F(Handshake, SendIndicationSessionCreatesAPermission) {
  TurnHandshake hs("alice", "secret", peer, 0);
  run_to_ready(hs);
  ASSERT_EQ(hs.state(), TurnHandshake::State::Ready) << hs.error();
  EXPECT_TRUE(h.io.saw(turn::Event::PermissionCreated));
  EXPECT_FALSE(h.io.saw(turn::Event::ChannelBound));
}

TEST_F(Handshake, RefreshAndDeallocate) {
  TurnHandshake hs("alice", "secret", peer, 0x4000);
  run_to_ready(hs);
  ASSERT_EQ(hs.state(), TurnHandshake::State::Ready);
  EXPECT_TRUE(exchange(hs, hs.refresh(600)).empty());
  EXPECT_EQ(hs.state(), TurnHandshake::State::Ready);
  EXPECT_TRUE(exchange(hs, hs.refresh(0)).empty());
  EXPECT_EQ(hs.state(), TurnHandshake::State::Closed);
  EXPECT_EQ(h.server->allocation_count(), 0U);
}

TEST_F(Handshake, StaleNonceIsRetriedWithTheNewOne) {
  TurnHandshake hs("alice", "secret", peer, 0x4000);
  run_to_ready(hs);
  ASSERT_EQ(hs.state(), TurnHandshake::State::Ready);
  h.advance(h.cfg.nonce_lifetime + Seconds{10});  // the nonce is stale, the allocation alive
  std::span<const uint8_t> retry = exchange(hs, hs.refresh(600));
  ASSERT_FALSE(retry.empty()) << "438 must make the handshake retry";
  stun::Message m;
  ASSERT_EQ(stun::parse(answer_, m), stun::ParseError::None);
  EXPECT_EQ(stun::decode_error_code(*m.find(stun::attr::ErrorCode))->code, 438);
  EXPECT_TRUE(exchange(hs, retry).empty());
  EXPECT_EQ(hs.state(), TurnHandshake::State::Ready) << hs.error();
}

TEST_F(Handshake, WrongPasswordFailsWithTheServersAnswer) {
  TurnHandshake hs("alice", "not-the-password", peer, 0x4000);
  run_to_ready(hs);
  EXPECT_EQ(hs.state(), TurnHandshake::State::Failed);
  EXPECT_EQ(hs.error().substr(0, 3), "401") << hs.error();
}

TEST_F(Handshake, AnswersToOtherTransactionsAreIgnored) {
  TurnHandshake a("alice", "secret", peer, 0x4000);
  TurnHandshake b("alice", "secret", peer, 0x4000);
  (void)a.start();
  std::span<const uint8_t> req = b.start();
  h.server->on_client_packet(tuple, req, h.now);
  const std::vector<uint8_t> answer = h.io.to_client.back().bytes;
  EXPECT_TRUE(a.on_message(answer).empty());
  EXPECT_EQ(a.state(), TurnHandshake::State::WaitChallenge);
  EXPECT_FALSE(a.in_flight().empty());  // still waiting: a retransmission resends it
}

TEST_F(Handshake, GivingUpNamesTheStep) {
  TurnHandshake hs("alice", "secret", peer, 0x4000);
  (void)hs.start();
  hs.give_up("no answer to allocate (challenge) in 3.0 s");
  EXPECT_EQ(hs.state(), TurnHandshake::State::Failed);
  EXPECT_EQ(hs.error(), "no answer to allocate (challenge) in 3.0 s");
}

}  // namespace
}  // namespace avedge::bench

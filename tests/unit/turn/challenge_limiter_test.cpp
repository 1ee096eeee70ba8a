// The per-source rate limit of unauthenticated error answers (SECURITY.md §2, RFC 8489 §9.2).
#include "turn/challenge_limiter.hpp"

#include <gtest/gtest.h>

#include <array>

#include "turn_test_support.hpp"

namespace avedge::turn::testing {
namespace {

constexpr uint64_t kK0 = 0x0706050403020100ULL;  // key bytes 00..0f, little endian
constexpr uint64_t kK1 = 0x0f0e0d0c0b0a0908ULL;

// The reference vectors of the SipHash paper (key 00..0f, message 00..len-1).
TEST(SipHash, ReferenceVectors) {
  std::array<uint8_t, 16> msg{};
  for (size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(siphash24(kK0, kK1, msg.data(), 0), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(siphash24(kK0, kK1, msg.data(), 8), 0x93f5f5799a932462ULL);
  EXPECT_EQ(siphash24(kK0, kK1, msg.data(), 15), 0xa129ca6149be45e5ULL);
}

TEST(ChallengeLimiter, BurstThenRateThenRefill) {
  ChallengeLimiter l({10, 3}, kK0, kK1);
  const auto ip = *IpAddress::parse("203.0.113.5");
  TimePoint t = TimePoint{} + Seconds{5};
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(l.allow(ip, t)) << i;
  EXPECT_FALSE(l.allow(ip, t));
  EXPECT_FALSE(l.allow(ip, t + Millis{50}));  // less than one interval (100 ms)
  EXPECT_TRUE(l.allow(ip, t + Millis{100}));
  EXPECT_FALSE(l.allow(ip, t + Millis{100}));
  // A long pause refills the burst, never more.
  t += Seconds{60};
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(l.allow(ip, t)) << i;
  EXPECT_FALSE(l.allow(ip, t));
}

TEST(ChallengeLimiter, SustainedFloodGetsExactlyTheRate) {
  ChallengeLimiter l({20, 40}, kK0, kK1);
  const auto ip = *IpAddress::parse("2001:db8::7");
  int allowed = 0;
  // 10 s of one request every 100 µs: 100000 requests.
  for (int i = 0; i < 100000; ++i) {
    allowed += l.allow(ip, TimePoint{} + Seconds{1} + std::chrono::microseconds{100 * i}) ? 1 : 0;
  }
  EXPECT_GE(allowed, 40 + 20 * 10 - 1);
  EXPECT_LE(allowed, 40 + 20 * 10 + 1);
}

TEST(ChallengeLimiter, SourcesInOtherSlotsAreIndependentAndZeroMeansOff) {
  ChallengeLimiter l({1, 1}, kK0, kK1);
  const auto a = *IpAddress::parse("198.51.100.1");
  auto b = *IpAddress::parse("198.51.100.2");
  for (int i = 3; l.slot_of(b) == l.slot_of(a); ++i) b.bytes[3] = static_cast<uint8_t>(i);
  const TimePoint t = TimePoint{} + Seconds{1};
  EXPECT_TRUE(l.allow(a, t));
  EXPECT_FALSE(l.allow(a, t));
  EXPECT_TRUE(l.allow(b, t));

  ChallengeLimiter off({0, 0}, kK0, kK1);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(off.allow(a, t));
}

TEST(ChallengeLimiter, KeyedHashSpreadsSources) {
  ChallengeLimiter l({1, 1});
  std::array<int, ChallengeLimiter::kSlots> used{};
  for (uint32_t i = 0; i < 4096; ++i) ++used[l.slot_of(IpAddress::v4(0x0a000000U + i))];
  int distinct = 0;
  for (int u : used) distinct += u > 0 ? 1 : 0;
  // 4096 balls in 8192 bins: about 3300 distinct slots; a bad hash gives far fewer.
  EXPECT_GT(distinct, 3000);
}

std::vector<uint8_t> bare_allocate() {
  std::vector<uint8_t> buf(256);
  stun::Builder b(buf, stun::method::Allocate, stun::Class::Request, new_tid());
  b.add_requested_transport(stun::kProtoUdp);
  buf.resize(b.size());
  return buf;
}

ServerConfig limited(uint32_t rate, uint32_t burst) {
  ServerConfig c;
  c.challenge_limits = {rate, burst};
  return c;
}

TEST(ServerChallengeLimit, FloodFromOneUdpSourceIsDroppedAndCounted) {
  Harness h(limited(5, 5));
  Client hot(h, udp_tuple("198.51.100.9:5000"));
  size_t answers = 0;
  for (int i = 0; i < 50; ++i) answers += hot.send(bare_allocate()).size();
  EXPECT_EQ(answers, 5U);
  EXPECT_EQ(h.server->event_count(Event::DropRateLimited), 45U);
  EXPECT_EQ(h.server->event_count(Event::AuthMissing), 50U);
  EXPECT_TRUE(h.io.saw(Event::DropRateLimited));

  // Another source is still answered; so is the hot one once its interval has passed.
  Client other(h, udp_tuple("203.0.113.77:5000"));
  EXPECT_EQ(other.send(bare_allocate()).size(), 1U);
  h.now.mono += Millis{200};
  EXPECT_EQ(hot.send(bare_allocate()).size(), 1U);
  EXPECT_EQ(hot.send(bare_allocate()).size(), 0U);
}

TEST(ServerChallengeLimit, OtherUnauthenticatedErrorsShareTheLimitButTcpAndAuthenticatedDoNot) {
  Harness h(limited(1, 2));
  Client c(h, udp_tuple("198.51.100.10:5000"));
  // Unknown method: 400 without credentials.
  auto unknown_method = [] {
    std::vector<uint8_t> buf(64);
    stun::Builder b(buf, 0x0fe, stun::Class::Request, new_tid());
    buf.resize(b.size());
    return buf;
  };
  EXPECT_EQ(c.send(unknown_method()).size(), 1U);
  EXPECT_EQ(c.send(bare_allocate()).size(), 1U);
  EXPECT_EQ(c.send(unknown_method()).size(), 0U);
  EXPECT_EQ(h.server->event_count(Event::DropRateLimited), 1U);

  // TCP has proved its source address: never limited.
  ClientTuple tcp = udp_tuple("198.51.100.10:6000");
  tcp.transport = Transport::Tcp;
  tcp.conn_id = 7;
  Client t(h, tcp);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(t.send(bare_allocate()).size(), 1U);

  // A client with credentials from a fresh source: one 401, then signed answers (not limited).
  Client good(h, udp_tuple("198.51.100.11:5000"));
  auto r = good.allocate();
  ASSERT_TRUE(r && r->parsed);
  EXPECT_EQ(r->msg.cls, stun::Class::Success) << error_code_of(*r);
  for (int i = 0; i < 5; ++i) {
    auto rr = good.refresh(600);
    ASSERT_TRUE(rr && rr->parsed);
    EXPECT_EQ(rr->msg.cls, stun::Class::Success);
  }
}

// SECURITY.md §2.3: unauthenticated answers carry no reason phrase and no SOFTWARE by default
// (smaller replies to a spoofed source, nothing that fingerprints the server).
TEST(ServerChallengeLimit, UnauthenticatedAnswersHaveNoReasonPhraseNorSoftware) {
  Harness h;
  Client c(h, udp_tuple());
  std::vector<uint8_t> buf(64);
  stun::Builder b(buf, 0x0fe, stun::Class::Request, new_tid());
  buf.resize(b.size());
  for (const auto& req : {bare_allocate(), buf}) {
    auto rs = c.send(req);
    ASSERT_EQ(rs.size(), 1U);
    ASSERT_TRUE(rs[0]->parsed);
    EXPECT_EQ(stun::decode_error_code(*rs[0]->msg.find(stun::attr::ErrorCode))->reason, "");
    EXPECT_EQ(rs[0]->msg.find(stun::attr::Software), nullptr);
    // A realistic size: never more than 4 times a minimal 20-byte request plus the 401's
    // REALM/NONCE/PASSWORD-ALGORITHMS (what the rate limit multiplies by at most burst).
    EXPECT_LE(rs[0]->bytes.size(), 140U);
  }
}

}  // namespace
}  // namespace avedge::turn::testing

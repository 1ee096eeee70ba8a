// The per-worker ring of recent decisions behind GET /api/v1/explain: newest first, only the
// asked user's, bounded.
#include "net/decision_ring.hpp"

#include <gtest/gtest.h>

namespace avedge::net {
namespace {

turn::EventInfo info(turn::Event e, const turn::ClientTuple* t, std::string_view user,
                     std::string_view detail = {}) {
  return turn::EventInfo{e, t, user, detail};
}

TEST(DecisionRing, NewestFirstForTheAskedUserOnly) {
  DecisionRing r;
  const turn::ClientTuple t{turn::Transport::Tcp, *Endpoint::parse("198.51.100.1:4000"),
                            *Endpoint::parse("192.0.2.1:3478"), 3};
  r.record(info(turn::Event::AuthBadIntegrity, &t, "alice"), 100);
  r.record(info(turn::Event::AuthUnknownUser, &t, "bob"), 101);
  r.record(info(turn::Event::AllocationCreated, &t, "alice", "192.0.2.1:50000"), 102);
  r.record(info(turn::Event::AllocationExpired, nullptr, "alice"), 103);
  r.record(info(turn::Event::DropMalformed, &t, ""), 104);  // no user: not kept
  const auto d = r.for_user("alice", 10);
  ASSERT_EQ(d.size(), 3U);
  EXPECT_EQ(d[0].event, turn::Event::AllocationExpired);
  EXPECT_FALSE(d[0].has_tuple);
  EXPECT_EQ(d[1].event, turn::Event::AllocationCreated);
  EXPECT_EQ(d[1].detail, "192.0.2.1:50000");
  EXPECT_EQ(d[1].client, t.client);
  EXPECT_EQ(d[1].transport, turn::Transport::Tcp);
  EXPECT_DOUBLE_EQ(d[2].time, 100);
  EXPECT_EQ(r.for_user("alice", 1).size(), 1U);
  EXPECT_TRUE(r.for_user("carol", 10).empty());
}

TEST(DecisionRing, BoundedAndKeepsTheLatest) {
  DecisionRing r;
  for (size_t i = 0; i < DecisionRing::kSize * 3; ++i) {
    r.record(info(turn::Event::DropNoPermission, nullptr, "alice"), static_cast<double>(i));
  }
  const auto d = r.for_user("alice", DecisionRing::kSize * 3);
  ASSERT_EQ(d.size(), DecisionRing::kSize);
  EXPECT_DOUBLE_EQ(d.front().time, static_cast<double>(DecisionRing::kSize * 3 - 1));
}

TEST(DecisionRing, LongNamesAreTruncatedConsistently) {
  DecisionRing r;
  const std::string longname(300, 'x');
  r.record(info(turn::Event::AuthUnknownUser, nullptr, longname), 1);
  EXPECT_EQ(r.for_user(longname, 5).size(), 1U);
  EXPECT_EQ(r.for_user(longname, 5)[0].user.size(), DecisionRing::kUserBytes);
}

}  // namespace
}  // namespace avedge::net

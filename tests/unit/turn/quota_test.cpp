#include "turn/quota.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace avedge::turn {
namespace {

const IpAddress kIp1 = IpAddress::v4(192, 0, 2, 1);
const IpAddress kIp2 = IpAddress::v4(192, 0, 2, 2);

TEST(Quota, PerUser) {
  QuotaTracker q(0, 2, 0);
  EXPECT_EQ(q.acquire("alice", kIp1), QuotaResult::Ok);
  EXPECT_EQ(q.acquire("alice", kIp2), QuotaResult::Ok);
  EXPECT_EQ(q.acquire("alice", kIp1), QuotaResult::User);
  EXPECT_EQ(q.acquire("bob", kIp1), QuotaResult::Ok);
  EXPECT_EQ(q.total(), 3u);
  q.release("alice", kIp1);
  EXPECT_EQ(q.acquire("alice", kIp1), QuotaResult::Ok);
}

TEST(Quota, PerIp) {
  QuotaTracker q(0, 0, 1);
  EXPECT_EQ(q.acquire("alice", kIp1), QuotaResult::Ok);
  EXPECT_EQ(q.acquire("bob", kIp1), QuotaResult::Ip);
  EXPECT_EQ(q.acquire("bob", kIp2), QuotaResult::Ok);
  // The same bytes in another family are another address.
  std::array<uint8_t, 16> b{192, 0, 2, 1};
  EXPECT_EQ(q.acquire("bob", IpAddress::v6(b)), QuotaResult::Ok);
  EXPECT_EQ(q.total(), 3u);
}

TEST(Quota, TotalCheckedFirstThenUserThenIp) {
  QuotaTracker q(2, 1, 1);
  EXPECT_EQ(q.acquire("alice", kIp1), QuotaResult::Ok);
  // Both user and ip exhausted: user reported before ip.
  EXPECT_EQ(q.acquire("alice", kIp1), QuotaResult::User);
  EXPECT_EQ(q.acquire("bob", kIp1), QuotaResult::Ip);
  EXPECT_EQ(q.acquire("bob", kIp2), QuotaResult::Ok);
  // Total exhausted: reported before user and ip.
  EXPECT_EQ(q.acquire("alice", kIp1), QuotaResult::Total);
  EXPECT_EQ(q.acquire("carol", IpAddress::v4(192, 0, 2, 3)), QuotaResult::Total);
  EXPECT_EQ(q.total(), 2u);
}

TEST(Quota, FailedAcquireChangesNothing) {
  QuotaTracker q(0, 1, 0);
  ASSERT_EQ(q.acquire("alice", kIp1), QuotaResult::Ok);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(q.acquire("alice", kIp2), QuotaResult::User);
  EXPECT_EQ(q.total(), 1u);
  q.release("alice", kIp1);
  EXPECT_EQ(q.total(), 0u);
  // kIp2 never got an entry from the failed attempts: a per-ip limit of 1 still admits it.
  q.set_limits(0, 0, 1);
  EXPECT_EQ(q.acquire("x", kIp2), QuotaResult::Ok);
}

TEST(Quota, ZeroMeansUnlimited) {
  QuotaTracker q(0, 0, 0);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(q.acquire("alice", kIp1), QuotaResult::Ok);
  EXPECT_EQ(q.total(), 1000u);
}

TEST(Quota, ReleaseNeverUnderflows) {
  QuotaTracker q(0, 1, 1);
  q.release("ghost", kIp1);
  EXPECT_EQ(q.total(), 0u);
  ASSERT_EQ(q.acquire("alice", kIp1), QuotaResult::Ok);
  q.release("alice", kIp1);
  q.release("alice", kIp1);
  q.release("alice", kIp1);
  EXPECT_EQ(q.total(), 0u);
  // Counts are back to zero (entries erased), not wrapped to SIZE_MAX.
  EXPECT_EQ(q.acquire("alice", kIp1), QuotaResult::Ok);
  EXPECT_EQ(q.acquire("alice", kIp2), QuotaResult::User);
  EXPECT_EQ(q.acquire("bob", kIp1), QuotaResult::Ip);
  EXPECT_EQ(q.total(), 1u);
}

TEST(Quota, SetLimits) {
  QuotaTracker q(1, 0, 0);
  ASSERT_EQ(q.acquire("a", kIp1), QuotaResult::Ok);
  EXPECT_EQ(q.acquire("b", kIp2), QuotaResult::Total);
  q.set_limits(3, 0, 0);
  EXPECT_EQ(q.acquire("b", kIp2), QuotaResult::Ok);
  q.set_limits(1, 0, 0);  // lowering below current usage refuses new ones only
  EXPECT_EQ(q.acquire("c", kIp2), QuotaResult::Total);
  EXPECT_EQ(q.total(), 2u);
}

TEST(Quota, ConcurrentAcquireRespectsLimit) {
  QuotaTracker q(100, 0, 0);
  std::vector<std::thread> ts;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&q, &ok, t] {
      for (int i = 0; i < 100; ++i) {
        if (q.acquire("u" + std::to_string(t), kIp1) == QuotaResult::Ok) ++ok;
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok.load(), 100);
  EXPECT_EQ(q.total(), 100u);
}

}  // namespace
}  // namespace avedge::turn

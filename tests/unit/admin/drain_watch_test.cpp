// The end of a drain (issue 6 item 6): done once, with the reason, when the allocations reach
// zero or the deadline passes; never after cancel().
#include "admin/drain_watch.hpp"

#include <atomic>
#include <future>

#include <gtest/gtest.h>

namespace avedge::admin {
namespace {

using namespace std::chrono_literals;

TEST(DrainWatch, EndsWhenTheLastAllocationEnds) {
  std::atomic<uint64_t> live{3};
  std::promise<std::string> why;
  DrainWatch w([&] { return live.load(); }, [&](const std::string& r) { why.set_value(r); });
  w.start(60s);
  auto f = why.get_future();
  EXPECT_EQ(f.wait_for(300ms), std::future_status::timeout);
  EXPECT_TRUE(w.active());
  live = 0;
  ASSERT_EQ(f.wait_for(2s), std::future_status::ready);
  EXPECT_EQ(f.get(), "drained: the last allocation ended");
  EXPECT_FALSE(w.active());
}

TEST(DrainWatch, EndsAtTheDeadlineSayingHowManyAreLeft) {
  std::promise<std::string> why;
  DrainWatch w([] { return uint64_t{2}; }, [&](const std::string& r) { why.set_value(r); });
  const auto t0 = std::chrono::steady_clock::now();
  w.start(1s);
  auto f = why.get_future();
  ASSERT_EQ(f.wait_for(3s), std::future_status::ready);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(f.get(), "drain deadline passed with 2 allocation(s) left");
}

TEST(DrainWatch, CancelledNeverEnds) {
  std::atomic<int> calls{0};
  DrainWatch w([] { return uint64_t{1}; }, [&](const std::string&) { ++calls; });
  w.start(1s);
  w.cancel();
  std::this_thread::sleep_for(1300ms);
  EXPECT_EQ(calls.load(), 0);
  EXPECT_FALSE(w.active());
}

}  // namespace
}  // namespace avedge::admin

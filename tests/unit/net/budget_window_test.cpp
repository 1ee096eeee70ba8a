#include "net/budget_window.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace avedge::net {
namespace {

using std::chrono::microseconds;
using Change = BudgetWindow::Change;

constexpr auto kOnTime = microseconds(25);   // the usual exit from idle
constexpr auto kParked = microseconds(900);  // a vCPU the host had descheduled

// Feeds one sample of waits, `late` of them late; returns the change the sample's last wait made.
Change feed_sample(BudgetWindow& w, uint32_t late) {
  Change last = Change::None;
  for (uint32_t i = 0; i < BudgetWindow::kSample; ++i) {
    const Change c = w.on_timer_ended(i < late ? kParked : kOnTime);
    if (i + 1 < BudgetWindow::kSample) {
      EXPECT_EQ(c, Change::None) << "a verdict only at the end of a sample";
    }
    last = c;
  }
  return last;
}

// A host that parks the vCPU in waits longer than `cliff`: every such wait is late.
std::function<Change()> host_with_cliff(BudgetWindow& w, microseconds cliff) {
  return [&w, cliff] { return feed_sample(w, w.current() > cliff ? BudgetWindow::kSample : 0); };
}

TEST(BudgetWindow, StartsAtTheBudgetAndStaysThereWhileWaitsEndOnTime) {
  BudgetWindow w(microseconds(175));
  EXPECT_EQ(w.current(), microseconds(175));
  for (int i = 0; i < 50; ++i) EXPECT_EQ(feed_sample(w, 0), Change::None);
  EXPECT_EQ(w.current(), microseconds(175));
}

TEST(BudgetWindow, OnePercentLateIsToleratedMoreProbesTheShortestWait) {
  BudgetWindow w(microseconds(175));
  EXPECT_EQ(feed_sample(w, BudgetWindow::kTolerated), Change::None);
  EXPECT_EQ(w.current(), microseconds(175));
  EXPECT_EQ(feed_sample(w, BudgetWindow::kTolerated + 1), Change::Probing);
  EXPECT_EQ(w.current(), BudgetWindow::kStep);
}

TEST(BudgetWindow, LatenessJustBelowTheThresholdIsNotLate) {
  BudgetWindow w(microseconds(175));
  for (uint32_t i = 0; i < BudgetWindow::kSample; ++i) {
    EXPECT_EQ(w.on_timer_ended(BudgetWindow::kLate - microseconds(1)), Change::None);
  }
  EXPECT_EQ(w.current(), microseconds(175));
}

// Late only past 160 µs: the wait probes 25 µs, climbs back a step per kFirstPatience clean
// samples, is late at 175 and settles at 150, where it stays.
TEST(BudgetWindow, LatenessThatComesWithTheLengthShortensTheWait) {
  BudgetWindow w(microseconds(175));
  const auto sample = host_with_cliff(w, microseconds(160));
  EXPECT_EQ(sample(), Change::Probing);
  EXPECT_EQ(sample(), Change::Shortened);  // clean at the shortest wait
  EXPECT_EQ(w.current(), microseconds(25));
  for (int step = 2; step <= 7; ++step) {
    for (uint32_t i = 1; i < BudgetWindow::kFirstPatience; ++i) EXPECT_EQ(sample(), Change::None);
    EXPECT_EQ(sample(), Change::Lengthened);
    EXPECT_EQ(w.current(), microseconds(25 * step));
  }
  EXPECT_EQ(sample(), Change::Shortened) << "175 µs is past the cliff: one step back";
  EXPECT_EQ(w.current(), microseconds(150));
  for (uint32_t i = 1; i < 2 * BudgetWindow::kFirstPatience; ++i) {
    EXPECT_EQ(sample(), Change::None) << "a failed try doubles the patience: " << i;
  }
  EXPECT_EQ(sample(), Change::Lengthened);
}

TEST(BudgetWindow, AFailedTryDoublesThePatienceUpToItsMaximum) {
  BudgetWindow w(microseconds(175));
  const auto sample = host_with_cliff(w, microseconds(160));
  // Down to the shortest wait, up to 175 µs, and back to 150 (as in the test above).
  int samples = 0;
  while (sample() != Change::Shortened || w.current() != microseconds(150)) {
    ASSERT_LT(++samples, 100);
  }
  uint32_t expected = 2 * BudgetWindow::kFirstPatience;
  for (int tries = 0; tries < 8; ++tries) {
    uint32_t clean = 1;
    while (sample() != Change::Lengthened) ASSERT_LT(++clean, 10000U);
    EXPECT_EQ(clean, expected) << "try " << tries;
    ASSERT_EQ(sample(), Change::Shortened);
    expected = std::min(expected * 2, BudgetWindow::kMaxPatience);
  }
  EXPECT_EQ(expected, BudgetWindow::kMaxPatience);
}

// Late at every length (another task on the CPU): the probe finds the shortest wait as late,
// so the wait goes back to the budget and the next late samples are ignored, for twice as
// many each time.
TEST(BudgetWindow, LatenessThatDoesNotComeWithTheLengthKeepsTheBudget) {
  BudgetWindow w(microseconds(175));
  uint32_t ignored = BudgetWindow::kFirstPatience;
  for (int round = 0; round < 4; ++round) {
    EXPECT_EQ(feed_sample(w, BudgetWindow::kSample), Change::Probing);
    EXPECT_EQ(feed_sample(w, BudgetWindow::kSample), Change::Restored);
    EXPECT_EQ(w.current(), microseconds(175));
    for (uint32_t i = 0; i < ignored; ++i) {
      EXPECT_EQ(feed_sample(w, BudgetWindow::kSample), Change::None) << round << " " << i;
    }
    ignored *= 2;
  }
}

TEST(BudgetWindow, LateAtTheShortestWaitAfterAConfirmedCliffGoesBackToTheBudget) {
  BudgetWindow w(microseconds(175));
  feed_sample(w, BudgetWindow::kSample);
  ASSERT_EQ(feed_sample(w, 0), Change::Shortened);
  ASSERT_EQ(w.current(), microseconds(25));
  EXPECT_EQ(feed_sample(w, BudgetWindow::kSample), Change::Restored);
  EXPECT_EQ(w.current(), microseconds(175));
}

TEST(BudgetWindow, ATryThatHoldsKeepsThePatience) {
  BudgetWindow w(microseconds(50));
  feed_sample(w, BudgetWindow::kSample);  // probe 25 µs
  feed_sample(w, 0);                      // clean there
  for (uint32_t i = 0; i < BudgetWindow::kFirstPatience; ++i) feed_sample(w, 0);
  ASSERT_EQ(w.current(), microseconds(50));
  feed_sample(w, 0);  // the longer wait held for a sample
  ASSERT_EQ(feed_sample(w, BudgetWindow::kSample), Change::Probing);
  ASSERT_EQ(feed_sample(w, 0), Change::Shortened);
  for (uint32_t i = 1; i < BudgetWindow::kFirstPatience; ++i) {
    EXPECT_EQ(feed_sample(w, 0), Change::None);
  }
  EXPECT_EQ(feed_sample(w, 0), Change::Lengthened);
}

TEST(BudgetWindow, ABudgetOfOneStepOrLessNeverChanges) {
  BudgetWindow w(microseconds(10));
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(feed_sample(w, i % 2 == 0 ? BudgetWindow::kSample : 0), Change::None);
  }
  EXPECT_EQ(w.current(), microseconds(10));
}

}  // namespace
}  // namespace avedge::net

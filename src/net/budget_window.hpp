// How long a latency budget's wait lasts (decision 0019). The budget (edge.latency_budget_us)
// is the most a worker may hold packets; the wait is that long unless the host keeps ending it
// late because of its length. On a virtual machine the host parks an idle vCPU once its
// halt-poll window has passed (KVM's halt_poll_ns, 200 µs by default), and a wait that
// outlasts the window ends hundreds of µs to milliseconds after its timer (decision 0007).
//
// Samples of kSample waits that ended on their timer are judged: more than kTolerated late
// ones make a late sample. After a late sample the next one is taken at the shortest wait
// (kStep): clean there, the lateness came with the length, and the wait climbs back a step at
// a time after `patience` clean samples each, stepping back at the first late one; late there
// too, it did not (another task keeps the CPU, a host short of CPU), so the wait goes back to
// the budget and late samples are ignored for a while. Both patiences double each time they
// are used up in vain. Pure: fed the lateness of each wait.
#pragma once

#include <chrono>
#include <cstdint>

namespace avedge::net {

class BudgetWindow {
 public:
  // A wait ending this long after its timer is not the usual exit from idle (20-80 µs on the
  // hosts measured, docs/PERFORMANCE.md) but a vCPU the host had descheduled.
  static constexpr std::chrono::microseconds kLate{300};
  // Verdicts are per this many waits ended by their timer ...
  static constexpr uint32_t kSample = 1024;
  // ... and more late ones than this (1%) make a late sample.
  static constexpr uint32_t kTolerated = 10;
  // The step of lengthening and shortening, and the shortest wait.
  static constexpr std::chrono::microseconds kStep{25};
  // Clean samples before a longer wait is tried, and late samples ignored after lateness
  // that did not come with the length; each doubles when it did not help, up to kMaxPatience.
  static constexpr uint32_t kFirstPatience = 4;
  static constexpr uint32_t kMaxPatience = 256;

  explicit BudgetWindow(std::chrono::microseconds budget);

  std::chrono::microseconds current() const { return current_; }

  enum class Change : uint8_t {
    None,
    Probing,     // a late sample: the next one is taken at the shortest wait
    Shortened,   // late only with the longer wait: it stays shorter
    Lengthened,  // clean samples: a longer wait is tried
    Restored,    // late at the shortest wait too: back to the budget, lateness ignored a while
  };
  // A wait of current() that ended on its timer, `late` after it was due (negative: early).
  // Returns how current() changed with this one.
  Change on_timer_ended(std::chrono::nanoseconds late);

 private:
  Change judge(bool late_sample);
  Change on_late_sample();
  Change restore();

  std::chrono::microseconds budget_;
  std::chrono::microseconds shortest_;
  std::chrono::microseconds current_;
  uint32_t waits_ = 0;  // of the sample under way
  uint32_t late_ = 0;   // of them, late
  uint32_t clean_ = 0;  // clean samples in a row
  uint32_t climb_patience_ = kFirstPatience;
  uint32_t ignore_ = 0;  // late samples still to ignore
  uint32_t ignore_patience_ = kFirstPatience;
  bool probing_ = false;       // this sample is at the shortest wait, after a late one
  bool tried_longer_ = false;  // the last change lengthened the wait
};

}  // namespace avedge::net

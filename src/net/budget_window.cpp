#include "net/budget_window.hpp"

#include <algorithm>

namespace avedge::net {

BudgetWindow::BudgetWindow(std::chrono::microseconds budget)
    : budget_(budget), shortest_(std::min(kStep, budget)), current_(budget) {}

BudgetWindow::Change BudgetWindow::on_timer_ended(std::chrono::nanoseconds late) {
  if (late >= kLate) ++late_;
  if (++waits_ < kSample) return Change::None;
  const bool late_sample = late_ > kTolerated;
  waits_ = 0;
  late_ = 0;
  return judge(late_sample);
}

BudgetWindow::Change BudgetWindow::judge(bool late_sample) {
  if (probing_) {
    probing_ = false;
    clean_ = 0;
    if (!late_sample) return Change::Shortened;  // climbs back from the shortest wait
    return restore();
  }
  if (late_sample) return on_late_sample();
  tried_longer_ = false;  // a longer wait tried has held
  if (ignore_ > 0) --ignore_;
  if (current_ >= budget_ || ++clean_ < climb_patience_) return Change::None;
  clean_ = 0;
  tried_longer_ = true;
  current_ = std::min(current_ + kStep, budget_);
  return Change::Lengthened;
}

BudgetWindow::Change BudgetWindow::on_late_sample() {
  clean_ = 0;
  if (tried_longer_) {
    // The step just tried is past the host's window: back below it, and try it less often.
    tried_longer_ = false;
    climb_patience_ = std::min(climb_patience_ * 2, kMaxPatience);
    current_ = std::max(current_ - kStep, shortest_);
    return Change::Shortened;
  }
  if (ignore_ > 0) {
    --ignore_;
    return Change::None;
  }
  if (current_ <= shortest_) return restore();
  probing_ = true;
  current_ = shortest_;
  return Change::Probing;
}

// Late with the shortest wait: the length is not the cause. Back to the budget, and late
// samples are ignored for a while.
BudgetWindow::Change BudgetWindow::restore() {
  ignore_ = ignore_patience_;
  ignore_patience_ = std::min(ignore_patience_ * 2, kMaxPatience);
  if (current_ == budget_) return Change::None;
  current_ = budget_;
  return Change::Restored;
}

}  // namespace avedge::net

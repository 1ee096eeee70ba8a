#include "net/budget_chooser.hpp"

#include <algorithm>

namespace avedge::net {

void BudgetChooser::Average::add(double cpu, double pk) {
  if (turns >= kMinTurns) cpu = std::min(cpu, kOutlier * cpu_ns);
  ++turns;
  const double weight = 1.0 / std::min(static_cast<double>(turns), kTurnsAveraged);
  cpu_ns += (cpu - cpu_ns) * weight;
  packets += (pk - packets) * weight;
}

BudgetChooser::Wait BudgetChooser::next(double expected) {
  if (expected >= kSurelyPays) {  // gathers without a choice, until the rate falls
    if (run_kind_ != Wait::Gather) streak_ = 0;
    run_kind_ = Wait::Gather;
    run_left_ = 0;
    ++streak_;
    measure_next_ = streak_ > kSettle;
    return Wait::Gather;
  }
  if (run_left_ == 0) {
    const Wait kind = next_run_kind();
    streak_ = kind == run_kind_ ? streak_ : 0;
    run_kind_ = kind;
    run_left_ = kRun;
    ++runs_;
  }
  --run_left_;
  ++streak_;
  measure_next_ = streak_ > kSettle;
  return run_kind_;
}

BudgetChooser::Wait BudgetChooser::next_run_kind() {
  const Wait preferred = prefer_gather_ ? Wait::Gather : Wait::Plain;
  const Wait other = prefer_gather_ ? Wait::Plain : Wait::Gather;
  if (gather_.turns < kMinTurns || plain_.turns < kMinTurns) {
    return runs_ % 2 == 0 ? preferred : other;  // alternate until both are measured
  }
  const uint32_t every = prefer_gather_ ? kExploreEvery : kExploreGatherEvery;
  return runs_ % every == every - 1 ? other : preferred;
}

void BudgetChooser::on_turn(std::chrono::nanoseconds cpu, uint64_t packets) {
  if (!measure_next_) return;
  measure_next_ = false;
  record(run_kind_, cpu, packets);
}

void BudgetChooser::record(Wait how, std::chrono::nanoseconds cpu, uint64_t packets) {
  (how == Wait::Gather ? gather_ : plain_)
      .add(static_cast<double>(cpu.count()), static_cast<double>(packets));
  choose();
}

double BudgetChooser::cost_per_packet(Wait how) const {
  const Average& a = of(how);
  if (a.turns == 0 || a.packets <= 0) return -1;
  return a.cpu_ns / a.packets;
}

void BudgetChooser::choose() {
  if (gather_.turns < kMinTurns || plain_.turns < kMinTurns) return;
  const double gather = cost_per_packet(Wait::Gather);
  const double plain = cost_per_packet(Wait::Plain);
  if (gather < 0) {
    prefer_gather_ = false;  // the gathers measured all ended empty: they buy nothing
  } else if (plain < 0) {
    prefer_gather_ = true;
  } else {
    prefer_gather_ = gather <= kGatherMargin * plain;
  }
}

}  // namespace avedge::net

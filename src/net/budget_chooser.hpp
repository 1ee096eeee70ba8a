// Whether a latency budget's wait pays here and now (decision 0020). After a turn that relayed
// less than a full batch the worker can wait the budget so that the next turn finds several
// packets (a gather), or sleep until the next packet (a plain wait). A gather costs a sleep
// ended by the worker's own timer; it saves the wake-ups from another core that the packets
// arriving within it would each have cost. Which is cheaper depends on the host (on a guest
// that halts at once a timer-ended sleep costs about twice a wake-up from another core, on
// one that polls about six times, docs/PERFORMANCE.md) and on the rate: at 1k packets/s most
// gathers end empty and cost a sleep for nothing, besides the latency.
//
// So the worker measures both: the CPU time of each turn that followed a choice, from the end
// of the turn before to the end of its own, and the packets it relayed. Choices come in runs of
// kRun of one kind: the cheaper per packet, and now and then the other, so that its cost stays
// current as the rate changes. The first kSettle turns after a change of kind are not
// measured: the first sleep until the next packet after gathers finds the packets that arrived
// while the last gather's turn ran and costs no wake-up, which later ones do not. A gather must
// be cheaper by kGatherMargin to be chosen, since it costs latency.
//
// Where a wait is expected to find kSurelyPays packets or more (the worker's rate times the
// wait), it is made without a choice: a timer-ended sleep costs about twice a wake-up from
// another core on a guest that halts at once, so it pays there, and the measurement can be
// fooled where the senders' timing follows the relay's. On one host the peer's sends are
// paced by its own wake-ups, which the relay's sends cause: after a while of sleeping until
// each packet, a run of gathers found fewer packets than the gathers did in their own regime,
// and the worker kept sleeping at 20k packets/s at 1.4 times the CPU. Pure: fed the CPU time
// and packets of each turn, and the expected packets per wait.
#pragma once

#include <chrono>
#include <cstdint>

namespace avedge::net {

class BudgetChooser {
 public:
  enum class Wait : uint8_t { Gather, Plain };

  // Choices come in runs of this many of one kind ...
  static constexpr uint32_t kRun = 8;
  // ... and the first turns after a change of kind are not measured ...
  static constexpr uint32_t kSettle = 2;
  // ... and once in this many runs the other kind is tried: a sleep until the next packet
  // while gathering pays, a gather (which holds packets up to the budget, and shows in the
  // p99) less often while not: at 1 in 128 those runs held 1.4% of the packets at 10k/s, and
  // the p99 sat near the budget (decision 0020). Until each kind has been measured kMinTurns
  // times, runs alternate.
  static constexpr uint32_t kExploreEvery = 64;
  static constexpr uint32_t kExploreGatherEvery = 512;
  static constexpr uint32_t kMinTurns = 8;
  // Costs are averaged over about this many measured turns of each kind; a turn counts for at
  // most kOutlier times the average (a vCPU descheduled within it, a long asio handler).
  static constexpr double kTurnsAveraged = 32;
  static constexpr double kOutlier = 4;
  // A gather is chosen when it costs at most this fraction of a plain wait per packet ...
  static constexpr double kGatherMargin = 0.9;
  // ... and made without a choice where it is expected to find this many packets.
  static constexpr double kSurelyPays = 2;

  // Which wait follows a turn that relayed less than a full batch, when a wait of the budget
  // would find `expected` packets at the present rate.
  Wait next(double expected);
  // Whether the turn after the last choice is measured (not one of the first kSettle after a
  // change of kind): then the caller reads its CPU time and hands it to on_turn.
  bool measures_next_turn() const { return measure_next_; }
  // That turn, after a wait of the kind last chosen: its CPU time and the packets it relayed.
  void on_turn(std::chrono::nanoseconds cpu, uint64_t packets);
  // A turn added to the averages as it is (on_turn without the runs).
  void record(Wait how, std::chrono::nanoseconds cpu, uint64_t packets);

  bool prefers_gather() const { return prefer_gather_; }
  // CPU ns per packet of turns after each wait; negative while not measured (or, for a
  // gather, while every one measured ended empty).
  double cost_per_packet(Wait how) const;

 private:
  struct Average {
    double cpu_ns = 0;
    double packets = 0;
    uint32_t turns = 0;
    void add(double cpu, double pk);
  };
  const Average& of(Wait how) const { return how == Wait::Gather ? gather_ : plain_; }
  Wait next_run_kind();
  void choose();

  Average gather_;
  Average plain_;
  uint32_t runs_ = 0;            // runs begun
  uint32_t run_left_ = 0;        // choices left in the run under way
  Wait run_kind_ = Wait::Plain;  // also the kind last chosen
  uint32_t streak_ = 0;          // choices of run_kind_ in a row
  bool measure_next_ = false;    // the turn after the last choice is measured
  bool prefer_gather_ = true;    // until both are measured: the budget as configured
};

}  // namespace avedge::net

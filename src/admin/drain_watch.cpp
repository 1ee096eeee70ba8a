#include "admin/drain_watch.hpp"

#include <fmt/format.h>

namespace avedge::admin {

namespace {
constexpr auto kPoll = std::chrono::milliseconds(100);
}

DrainWatch::DrainWatch(std::function<uint64_t()> count,
                       std::function<void(const std::string&)> done)
    : count_(std::move(count)), done_(std::move(done)) {}

DrainWatch::~DrainWatch() {
  cancel();
}

void DrainWatch::start(std::chrono::seconds deadline) {
  cancel();
  const std::lock_guard lock(mu_);
  stop_ = false;
  active_ = true;
  const auto until = std::chrono::steady_clock::now() + deadline;
  thread_ = std::thread([this, until] { loop(until); });
}

void DrainWatch::cancel() {
  {
    const std::lock_guard lock(mu_);
    stop_ = true;
    active_ = false;
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

bool DrainWatch::active() const {
  const std::lock_guard lock(mu_);
  return active_;
}

void DrainWatch::loop(std::chrono::steady_clock::time_point until) {
  std::string reason;
  for (;;) {
    const uint64_t n = count_();
    if (n == 0) {
      reason = "drained: the last allocation ended";
      break;
    }
    if (std::chrono::steady_clock::now() >= until) {
      reason = fmt::format("drain deadline passed with {} allocation(s) left", n);
      break;
    }
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, kPoll, [this] { return stop_; })) return;
  }
  {
    const std::lock_guard lock(mu_);
    if (stop_) return;
    active_ = false;
  }
  done_(reason);
}

}  // namespace avedge::admin

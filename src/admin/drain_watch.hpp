// `avedge drain` to the end (issue 6 item 6): once draining with a deadline, the process exits
// when the last allocation ends or the deadline passes, whichever comes first.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace avedge::admin {

class DrainWatch {
 public:
  // count: live allocations over every worker; done: called once with the reason (then the
  // watch ends). Both run on the watch's own thread.
  DrainWatch(std::function<uint64_t()> count, std::function<void(const std::string&)> done);
  ~DrainWatch();
  DrainWatch(const DrainWatch&) = delete;
  DrainWatch& operator=(const DrainWatch&) = delete;

  // (Re)starts watching with a new deadline from now.
  void start(std::chrono::seconds deadline);
  // Stops watching (drain undone, or shutdown). Idempotent.
  void cancel();
  [[nodiscard]] bool active() const;

 private:
  void loop(std::chrono::steady_clock::time_point until);

  std::function<uint64_t()> count_;
  std::function<void(const std::string&)> done_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool active_ = false;
  std::thread thread_;
};

}  // namespace avedge::admin

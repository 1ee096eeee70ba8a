// Asking workers from another thread (the admin API): the question is posted to each worker's
// io_context, answered on the worker thread, and awaited with a deadline. The shared state
// outlives a timed-out wait, so a late answer writes into memory that still exists.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "net/worker.hpp"

namespace avedge::net {

template <typename T, typename Fn>
std::optional<std::vector<T>> gather(const std::vector<std::unique_ptr<Worker>>& workers, Fn fn,
                                     std::chrono::milliseconds deadline) {
  struct State {
    std::mutex m;
    std::condition_variable cv;
    std::vector<T> answers;
    size_t left = 0;
  };
  auto st = std::make_shared<State>();
  st->answers.resize(workers.size());
  st->left = workers.size();
  for (size_t i = 0; i < workers.size(); ++i) {
    Worker* w = workers[i].get();
    w->post([st, w, i, fn] {
      T answer = fn(*w);
      const std::lock_guard<std::mutex> lock(st->m);
      st->answers[i] = std::move(answer);
      if (--st->left == 0) st->cv.notify_all();
    });
  }
  std::unique_lock<std::mutex> lock(st->m);
  if (!st->cv.wait_for(lock, deadline, [&] { return st->left == 0; })) return std::nullopt;
  return std::move(st->answers);
}

template <typename T, typename Fn>
std::optional<T> gather_one(Worker& w, Fn fn, std::chrono::milliseconds deadline) {
  struct State {
    std::mutex m;
    std::condition_variable cv;
    std::optional<T> answer;
  };
  auto st = std::make_shared<State>();
  w.post([st, &w, fn] {
    T answer = fn(w);
    const std::lock_guard<std::mutex> lock(st->m);
    st->answer = std::move(answer);
    st->cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(st->m);
  st->cv.wait_for(lock, deadline, [&] { return st->answer.has_value(); });
  return st->answer;
}

}  // namespace avedge::net

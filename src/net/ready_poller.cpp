#include "net/ready_poller.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#if !defined(ASIO_HAS_EPOLL) || !defined(ASIO_HAS_TIMERFD)
#error "ReadyPoller nests asio's epoll reactor, which needs epoll and timerfd"
#endif

namespace avedge::net {

namespace {

// asio keeps its epoll descriptor private and offers no accessor. An explicit instantiation
// may name a private member (C++20 [temp.spec.general]/6), which is how it is read here; if
// asio ever renames the member this stops compiling rather than misbehaving.
int asio_epoll_fd(asio::detail::epoll_reactor& r);

template <int asio::detail::epoll_reactor::*Member>
struct EpollFdOf {
  friend int asio_epoll_fd(asio::detail::epoll_reactor& r) { return r.*Member; }
};
template struct EpollFdOf<&asio::detail::epoll_reactor::epoll_fd_>;

// Tags of the two descriptors that are not sockets; handlers are never at these addresses.
constexpr uint64_t kAsioTag = 0;
constexpr uint64_t kWakeTag = 1;

[[noreturn]] void fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

template <typename Fds>
auto find_fd(Fds& fds, int fd) {
  return std::find_if(fds.begin(), fds.end(), [fd](const auto& e) { return e.first == fd; });
}

void add_to(int epfd, int fd, uint64_t tag) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = tag;
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) fail("epoll_ctl(ADD)");
}

}  // namespace

ReadyPoller::ReadyPoller(asio::io_context& io) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) fail("epoll_create1");
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    const int e = errno;
    close(epoll_fd_);
    errno = e;
    fail("eventfd");
  }
  try {
    // An epoll set is itself pollable: readable while asio has ready events (timerfd expiry,
    // TCP/TLS readiness, its own interrupter), so one epoll_wait here watches both.
    auto& reactor = asio::use_service<asio::detail::epoll_reactor>(io);
    // Makes io_context::poll() run the reactor even before any timer or socket asked for it
    // (asio starts it lazily), so that what makes its descriptor readable is always taken.
    reactor.init_task();
    add_to(epoll_fd_, asio_epoll_fd(reactor), kAsioTag);
    add_to(epoll_fd_, wake_fd_, kWakeTag);
  } catch (...) {
    close(wake_fd_);
    close(epoll_fd_);
    throw;
  }
}

ReadyPoller::~ReadyPoller() {
  multishot_.reset();  // its poll holds the epoll set
  close(wake_fd_);
  close(epoll_fd_);
}

void ReadyPoller::add(int fd, Handler& h) {
  add_to(epoll_fd_, fd, reinterpret_cast<uint64_t>(&h));
}

void ReadyPoller::add_receiver(int fd, Handler& h, MultishotReceiver::Handler& r) {
  // Created here, on the thread that waits (a worker's own; its listeners start in its run()):
  // the kernel notifies the thread that created a ring when the ring is torn down, which would
  // end a blocking call with a timeout of the thread that destroys the worker with EINTR.
  if (!multishot_tried_) {
    multishot_tried_ = true;
    multishot_ = MultishotReceiver::create(epoll_fd_);
  }
  if (multishot_ && multishot_->add(fd, r)) {
    multishot_fds_.emplace_back(fd, &h);
    return;
  }
  add(fd, h);
}

bool ReadyPoller::receives_multishot(int fd) const {
  return find_fd(multishot_fds_, fd) != multishot_fds_.end();
}

void ReadyPoller::remove(int fd) {
  const auto it = find_fd(multishot_fds_, fd);
  if (it != multishot_fds_.end()) {
    multishot_->remove(fd);
    multishot_fds_.erase(it);
    return;
  }
  epoll_event ev{};
  (void)epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, &ev);
}

void ReadyPoller::wake() {
  const uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof one);  // EAGAIN only when already awake
}

bool ReadyPoller::wait(int timeout_ms) {
  if (!multishot_) return wait_epoll(timeout_ms);
  // The epoll set (relay sockets, asio, the wake-up) is one of the things the ring waits for.
  return after_multishot(multishot_->wait(timeout_ms, take_pending_));
}

bool ReadyPoller::gather(std::chrono::nanoseconds window, unsigned want) {
  if (!multishot_) {
    const auto ns = window.count();
    const timespec ts{static_cast<time_t>(ns / 1'000'000'000),
                      static_cast<long>(ns % 1'000'000'000)};
    clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, nullptr);
    return wait_epoll(0);
  }
  return after_multishot(multishot_->gather(window, want));
}

// Sockets the receiver gave up on go back to epoll; the epoll set is read when it is ready.
bool ReadyPoller::after_multishot(bool epoll_ready) {
  for (const int fd : multishot_->take_fallbacks()) {
    const auto it = find_fd(multishot_fds_, fd);
    if (it == multishot_fds_.end()) continue;
    Handler* h = it->second;
    multishot_fds_.erase(it);
    add(fd, *h);
  }
  return epoll_ready && wait_epoll(0);
}

bool ReadyPoller::wait_epoll(int timeout_ms) {
  const int n = epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
  bool asio_ready = false;
  for (int i = 0; i < n; ++i) {
    const uint64_t tag = events_[static_cast<size_t>(i)].data.u64;
    if (tag == kAsioTag) {
      asio_ready = true;
    } else if (tag == kWakeTag) {
      uint64_t count = 0;
      (void)!read(wake_fd_, &count, sizeof count);
      asio_ready = true;
    } else {
      reinterpret_cast<Handler*>(tag)->on_readable();
    }
  }
  return asio_ready;
}

}  // namespace avedge::net

#include "net/ready_poller.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

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
  close(wake_fd_);
  close(epoll_fd_);
}

void ReadyPoller::add(int fd, Handler& h) {
  add_to(epoll_fd_, fd, reinterpret_cast<uint64_t>(&h));
}

void ReadyPoller::remove(int fd) {
  epoll_event ev{};
  (void)epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, &ev);
}

void ReadyPoller::wake() {
  const uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof one);  // EAGAIN only when already awake
}

bool ReadyPoller::wait(int timeout_ms) {
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

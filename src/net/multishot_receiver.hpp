// Datagrams of a worker's listening sockets received by the kernel while the worker waits
// (issue 7, decision 0011): one io_uring with a multishot RECVMSG armed on each listening
// socket, its buffers taken from a provided-buffer ring, and a poll on the worker's epoll set
// (relay sockets, asio, the wake-up eventfd). One io_uring_enter both waits and hands over the
// datagrams that arrived: the recvmmsg after epoll_wait disappears from the listening sockets'
// path, which is every client → peer datagram.
//
// Needs io_uring with multishot receive, provided-buffer rings and deferred task work (Linux
// 6.1); create it on the thread that waits, the only one that may submit to it. create() returns
// nullptr where they are missing or refused (seccomp, io_uring_disabled); a socket whose receive
// the kernel ends with an error is handed back (take_fallbacks) to be read the epoll way.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "core/address.hpp"

namespace avedge::net {

class MultishotReceiver {
 public:
  struct Datagram {
    std::span<const uint8_t> data;
    const sockaddr* from = nullptr;
    std::optional<IpAddress> destination;  // IP_PKTINFO / IPV6_PKTINFO, when asked for
  };

  class Handler {
   public:
    // A run of up to kRun datagrams of one socket, in arrival order. `rx_queue_drops`: the
    // socket's latest SO_RXQ_OVFL total among them. The bytes are valid only during the call.
    virtual void on_received(std::span<const Datagram> datagrams,
                             std::optional<uint32_t> rx_queue_drops) = 0;

   protected:
    ~Handler() = default;
  };

  static constexpr size_t kRun = 32;

  // watch_fd: a descriptor whose readability also ends a wait (the worker's epoll set).
  // nullptr when this kernel or environment offers no multishot receive, or when the
  // environment variable AVEDGE_MULTISHOT is "0".
  static std::unique_ptr<MultishotReceiver> create(int watch_fd);
  virtual ~MultishotReceiver() = default;

  // Arms the receive on `fd`; `h` must outlive remove(fd). False when no more sockets fit.
  virtual bool add(int fd, Handler& h) = 0;
  // No datagram of `fd` reaches its handler afterwards; the receive is cancelled by the next
  // wait (the socket stays open in the kernel until then) or when the receiver is destroyed.
  virtual void remove(int fd) = 0;
  // Blocks up to timeout_ms (-1: no limit) until a datagram arrives or watch_fd is readable;
  // hands every arrived datagram to its handler. True when watch_fd is readable.
  // take_pending: also take, with non-blocking enters, the datagrams whose deferred receive the
  // kernel had not run when the wait returned. Worth a system call when the caller has a
  // latency budget (its next wait may be a gather(), which returns them only at the window's
  // end); otherwise the next wait takes them at once.
  virtual bool wait(int timeout_ms, bool take_pending) = 0;
  // A latency budget's wait (decision 0012): blocks until `want` completions are ready (full
  // runs of datagrams) or `window` has passed, whichever is first, then takes what arrived (and,
  // after a full batch only, what the kernel left pending). Returns early only for a full batch:
  // readiness of watch_fd and single datagrams wait for the window, as they would during a sleep.
  // One system call where a sleep followed by a wait took two.
  virtual bool gather(std::chrono::nanoseconds window, unsigned want) = 0;
  // Sockets whose receive the kernel ended with an error since the last call; they are no
  // longer armed and should be read some other way.
  virtual std::vector<int> take_fallbacks() = 0;
};

}  // namespace avedge::net

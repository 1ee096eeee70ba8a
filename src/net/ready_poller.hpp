// What a worker blocks on (issue 7, decision 0008): one level-triggered epoll set holding the
// worker's UDP sockets (listening and relay), asio's own epoll descriptor (timers, TCP/TLS,
// posted handlers) and an eventfd that other threads use to wake the worker.
//
// Why not asio's async_wait per UDP socket: asio re-arms a socket with epoll_ctl(MOD) after
// every wait, one system call per socket per wake-up on the hot path. Registered once here,
// a UDP socket costs nothing between datagrams: epoll_wait, recvmmsg, send.
#pragma once

#include <sys/epoll.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include <asio.hpp>

#include "net/multishot_receiver.hpp"

namespace avedge::net {

class ReadyPoller {
 public:
  // What a registered socket is told when it is readable. It must drain what it can; left
  // unread, the socket is reported again by the next wait (level-triggered).
  class Handler {
   public:
    virtual void on_readable() = 0;

   protected:
    ~Handler() = default;
  };

  // Throws std::system_error when the kernel refuses an epoll set or an eventfd.
  explicit ReadyPoller(asio::io_context& io);
  ~ReadyPoller();
  ReadyPoller(const ReadyPoller&) = delete;
  ReadyPoller& operator=(const ReadyPoller&) = delete;

  // `h` must outlive the registration; a handler removed or closed while a wait's events are
  // being handed out must stay alive until that wait returns (RelaySockets retires them).
  void add(int fd, Handler& h);  // throws std::system_error
  // A listening socket: received by the kernel while the worker waits (MultishotReceiver,
  // decision 0011) where this kernel offers it, else as add(fd, h). Throws std::system_error.
  void add_receiver(int fd, Handler& h, MultishotReceiver::Handler& r);
  void remove(int fd);
  // True while `fd` is received through the multishot receiver (tests, logs).
  [[nodiscard]] bool receives_multishot(int fd) const;

  // Any thread: the current or next wait returns, reporting asio as ready.
  void wake();

  // Blocks up to timeout_ms (-1: no limit) until something is ready; calls on_readable of every
  // ready socket (on_received with the datagrams of multishot ones). Returns true when asio has
  // something to do (run io_context::poll()).
  bool wait(int timeout_ms);
  // A latency budget's wait (decision 0012): returns once `want` datagrams can be handled at
  // once or `window` has passed, then hands out everything ready as wait() does. Ready sockets
  // and asio wait for the window as they would during a sleep. With the multishot receiver it
  // is one system call; without, a sleep for the window and then wait(0). Either way it
  // returns by the window's end (plus the wake-up): a turn after it that handles nothing
  // waits with wait(-1).
  bool gather(std::chrono::nanoseconds window, unsigned want);
  // True when the caller has a latency budget: a wait then also takes the datagrams the kernel
  // had not finished receiving when it returned (MultishotReceiver), which would otherwise wait
  // for the end of the next gather().
  void set_take_pending(bool take) { take_pending_ = take; }

 private:
  bool wait_epoll(int timeout_ms);
  bool after_multishot(bool epoll_ready);

  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::array<epoll_event, 128> events_;  // filled by each wait; not cleared on the hot path
  std::unique_ptr<MultishotReceiver> multishot_;  // null: every socket waits in epoll
  bool multishot_tried_ = false;                  // created by the first add_receiver
  bool take_pending_ = true;
  std::vector<std::pair<int, Handler*>> multishot_fds_;  // for a fallback to epoll
};

}  // namespace avedge::net

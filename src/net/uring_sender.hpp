// io_uring for sends spread over many sockets (issue 7): the datagrams a worker relays toward
// peers leave through one relay socket each, so sendmmsg cannot batch them; one io_uring
// submission of IORING_OP_SENDMSG operations does, with one system call for all of them.
// Built only with liburing (AVEDGE_HAVE_URING); create() returns null where the kernel or a
// seccomp filter refuses io_uring, and the caller falls back to one sendmsg per datagram.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace avedge::net {

class UringSender {
 public:
  static std::unique_ptr<UringSender> create(unsigned entries);
  ~UringSender();
  UringSender(const UringSender&) = delete;
  UringSender& operator=(const UringSender&) = delete;

  struct Result {
    size_t submitted = 0;  // the first `submitted` datagrams were handed to the kernel
    bool broken = false;   // the submission failed: send the rest yourself, drop this sender
  };
  // Sends msgs[i] on fds[i] for every i < n, at most `entries` (MSG_DONTWAIT: a UDP send
  // completes during the submission, so the buffers may be reused when this returns).
  // `results`, if given (n of them): what each send returned, 0 or -errno (0 as well for a
  // completion that had not arrived by the time this returns).
  Result send(const int* fds, msghdr* const* msgs, size_t n, int* results = nullptr);

 private:
  struct Ring;
  explicit UringSender(std::unique_ptr<Ring> ring);
  std::unique_ptr<Ring> ring_;
  uint32_t generation_ = 0;  // tags completions, so a late one is not taken for this call's
};

}  // namespace avedge::net

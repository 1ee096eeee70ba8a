#include "net/uring_sender.hpp"

#ifdef AVEDGE_HAVE_URING
#include <liburing.h>
#endif

#include <algorithm>
#include <cerrno>

namespace avedge::net {

#ifdef AVEDGE_HAVE_URING

struct UringSender::Ring {
  io_uring ring{};
  unsigned entries = 0;
  ~Ring() { io_uring_queue_exit(&ring); }
};

std::unique_ptr<UringSender> UringSender::create(unsigned entries) {
  auto r = std::make_unique<Ring>();
  r->entries = entries;
  // SUBMIT_ALL (5.18): one failing operation does not stop the ones after it; SINGLE_ISSUER
  // (6.0): only the creating thread submits. The CQ is twice the SQ by default, room for every
  // completion of one submission. Older kernels get a ring without the flags.
  if (io_uring_queue_init(entries, &r->ring, IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER) <
          0 &&
      io_uring_queue_init(entries, &r->ring, 0) < 0) {
    return nullptr;  // no io_uring here (old kernel, io_uring_disabled, seccomp)
  }
  return std::unique_ptr<UringSender>(new UringSender(std::move(r)));
}

UringSender::UringSender(std::unique_ptr<Ring> ring) : ring_(std::move(ring)) {}
UringSender::~UringSender() = default;

UringSender::Result UringSender::send(const int* fds, msghdr* const* msgs, size_t n, int* results) {
  io_uring* ring = &ring_->ring;
  Result r;
  ++generation_;
  if (results != nullptr) std::fill(results, results + n, 0);
  if (n > ring_->entries) {
    r.broken = true;
    return r;
  }
  for (size_t i = 0; i < n; ++i) {
    io_uring_sqe* sqe = io_uring_get_sqe(ring);
    if (sqe == nullptr) {  // cannot happen: every call leaves the submission queue empty
      r.broken = true;
      return r;
    }
    io_uring_prep_sendmsg(sqe, fds[i], msgs[i], MSG_DONTWAIT);
    io_uring_sqe_set_data64(sqe, (uint64_t{generation_} << 32) | i);
  }
  int submitted = 0;
  do {
    submitted = io_uring_submit(ring);
  } while (submitted == -EINTR);
  if (submitted < 0 || static_cast<size_t>(submitted) < n) {
    // SQEs the kernel did not take stay in the ring with pointers into the caller's buffers:
    // this ring must never be entered again.
    r.broken = true;
  }
  r.submitted = submitted < 0 ? 0 : static_cast<size_t>(submitted);
  // Without IORING_SETUP_DEFER_TASKRUN a non-blocking send posts its completion before
  // io_uring_enter returns; reap whatever is there (late ones are reaped next time).
  io_uring_cqe* cqe = nullptr;
  while (io_uring_peek_cqe(ring, &cqe) == 0) {
    const uint64_t tag = io_uring_cqe_get_data64(cqe);
    const size_t index = tag & 0xffffffffU;
    if (results != nullptr && (tag >> 32) == generation_ && index < n) results[index] = cqe->res;
    io_uring_cqe_seen(ring, cqe);
  }
  return r;
}

#else

struct UringSender::Ring {};
std::unique_ptr<UringSender> UringSender::create(unsigned /*entries*/) {
  return nullptr;
}
UringSender::UringSender(std::unique_ptr<Ring> ring) : ring_(std::move(ring)) {}
UringSender::~UringSender() = default;
UringSender::Result UringSender::send(const int* /*fds*/, msghdr* const* /*msgs*/, size_t /*n*/,
                                      int* /*results*/) {
  return Result{0, true};
}

#endif

}  // namespace avedge::net

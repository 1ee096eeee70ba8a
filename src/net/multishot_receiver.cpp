#include "net/multishot_receiver.hpp"

#include <cstdlib>
#include <cstring>

#ifdef AVEDGE_HAVE_URING
#include <liburing.h>
#include <poll.h>
#include <sys/mman.h>

#include <array>
#include <cerrno>
#include <utility>

#include "net/recv_batch.hpp"
#endif

namespace avedge::net {

#ifdef AVEDGE_HAVE_URING
namespace {

constexpr unsigned kBuffers = 256;  // datagrams the kernel can hold for us per wait
constexpr size_t kName = sizeof(sockaddr_storage);
constexpr size_t kControl = 128;    // an in6_pktinfo and an SO_RXQ_OVFL
constexpr size_t kPayload = 65536;  // the largest UDP payload fits: no truncation
constexpr size_t kBufferSize = sizeof(io_uring_recvmsg_out) + kName + kControl + kPayload;
constexpr uint16_t kGroup = 0;
constexpr unsigned kMaxSockets = 64;
constexpr int kMaxExtraRounds = 8;  // as many recvmmsg rounds as a socket gets per wake-up
// Tags of what is not a socket's receive (LIBURING_UDATA_TIMEOUT, ~0, is liburing's own).
constexpr uint64_t kWatchTag = ~uint64_t{0} - 1;
constexpr uint64_t kCancelTag = ~uint64_t{0} - 2;

class UringMultishotReceiver final : public MultishotReceiver {
 public:
  explicit UringMultishotReceiver(int watch_fd) : watch_fd_(watch_fd) {
    shape_.msg_namelen = kName;
    shape_.msg_controllen = kControl;
  }

  ~UringMultishotReceiver() override {
    if (ring_ready_) io_uring_queue_exit(&ring_);  // cancels what is armed
    if (buffer_ring_ != MAP_FAILED) munmap(buffer_ring_, ring_bytes());
    if (buffers_ != MAP_FAILED) munmap(buffers_, pool_bytes());
  }

  UringMultishotReceiver(const UringMultishotReceiver&) = delete;
  UringMultishotReceiver& operator=(const UringMultishotReceiver&) = delete;

  bool init() {
    io_uring_params p{};
    // Deferred task work (Linux 6.1): the kernel takes datagrams into the buffers only when the
    // worker enters the ring to wait. Without it every arrival would interrupt the worker
    // wherever it is, the latency budget's sleep included, and undo the batching (decision 0007).
    // It requires a single submitter: the worker's thread, which creates the ring.
    p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    p.cq_entries = 2 * kBuffers;
    if (io_uring_queue_init_params(64, &ring_, &p) != 0) return false;
    ring_ready_ = true;
    // Buffers are mapped, not allocated: a page is only backed once a datagram lands in it.
    buffer_ring_ =
        mmap(nullptr, ring_bytes(), PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    buffers_ = mmap(nullptr, pool_bytes(), PROT_READ | PROT_WRITE,
                    MAP_ANONYMOUS | MAP_PRIVATE | MAP_NORESERVE, -1, 0);
    if (buffer_ring_ == MAP_FAILED || buffers_ == MAP_FAILED) return false;
    io_uring_buf_reg reg{};
    reg.ring_addr = reinterpret_cast<uint64_t>(buffer_ring_);
    reg.ring_entries = kBuffers;
    reg.bgid = kGroup;
    if (io_uring_register_buf_ring(&ring_, &reg, 0) != 0) return false;  // Linux 5.19
    br_ = static_cast<io_uring_buf_ring*>(buffer_ring_);
    io_uring_buf_ring_init(br_);
    for (unsigned i = 0; i < kBuffers; ++i) give_back(static_cast<uint16_t>(i), i);
    io_uring_buf_ring_advance(br_, kBuffers);
    return true;
  }

  bool add(int fd, Handler& h) override {
    for (unsigned i = 0; i < kMaxSockets; ++i) {
      Slot& s = slots_[i];
      if (s.handler != nullptr) continue;
      s.fd = fd;
      s.handler = &h;
      s.rearm = true;  // armed by the next wait
      return true;
    }
    return false;
  }

  void remove(int fd) override {
    for (unsigned i = 0; i < kMaxSockets; ++i) {
      Slot& s = slots_[i];
      if (s.handler == nullptr || s.fd != fd) continue;
      // Armed: cancelled with the next wait's submission, or by the ring's end. Until then the
      // receive holds the socket open; a datagram it still takes carries the old generation and
      // is dropped. Not submitted here: this may be another thread (a worker is destroyed on the
      // main one), and every thread that submits to a ring gets a task_work notification when
      // the ring is torn down, which ends its next blocking call with a timeout with EINTR.
      if (!s.rearm) {
        if (io_uring_sqe* sqe = io_uring_get_sqe(&ring_)) {
          io_uring_prep_cancel64(sqe, tag_of(i), 0);
          io_uring_sqe_set_data64(sqe, kCancelTag);
        }
      }
      release(s);
    }
  }

  bool wait(int timeout_ms, bool take_pending) override {
    prepare();
    if (timeout_ms < 0) {
      (void)io_uring_submit_and_wait(&ring_, 1);
      return take(take_pending ? 1 : 0);
    }
    if (timeout_ms == 0) {
      // A look without a wait: runs the deferred receives, arms no timer (a timeout, even of 0,
      // arms one: about 10 µs on a virtual machine, where each timer reprogramming exits).
      (void)io_uring_submit_and_get_events(&ring_);
      return take(take_pending ? 1 : 0);
    }
    return enter(1, std::chrono::milliseconds(timeout_ms), take_pending ? 1 : 0);
  }

  bool gather(std::chrono::nanoseconds window, unsigned want) override {
    prepare();
    // The kernel runs the deferred receives when the window ends: what it left is worth another
    // system call only after a full batch (at 20k/s system calls per packet went 0.88 -> 0.60).
    return enter(want, window, want);
  }

  std::vector<int> take_fallbacks() override { return std::exchange(fallbacks_, {}); }

 private:
  struct Slot {
    int fd = -1;
    Handler* handler = nullptr;
    uint32_t generation = 0;  // in the tag: a completion of a removed socket is not its successor's
    bool rearm = false;
  };

  static size_t ring_bytes() { return kBuffers * sizeof(io_uring_buf); }
  static size_t pool_bytes() { return size_t{kBuffers} * kBufferSize; }
  uint8_t* buffer(uint16_t id) const { return static_cast<uint8_t*>(buffers_) + id * kBufferSize; }
  void give_back(uint16_t id, unsigned offset) {
    io_uring_buf_ring_add(br_, buffer(id), kBufferSize, id, io_uring_buf_ring_mask(kBuffers),
                          static_cast<int>(offset));
  }
  uint64_t tag_of(unsigned i) const { return (uint64_t{slots_[i].generation} << 32) | i; }

  Slot* slot_of(uint64_t tag) {
    const auto i = static_cast<uint32_t>(tag);
    if (i >= kMaxSockets) return nullptr;
    Slot& s = slots_[i];
    return s.handler != nullptr && s.generation == static_cast<uint32_t>(tag >> 32) ? &s : nullptr;
  }

  void release(Slot& s) {
    s.handler = nullptr;
    s.fd = -1;
    s.rearm = false;
    ++s.generation;
  }

  io_uring_sqe* next_sqe() {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    if (sqe == nullptr) {
      io_uring_submit(&ring_);  // full: send what is queued first
      sqe = io_uring_get_sqe(&ring_);
    }
    return sqe;
  }

  void arm(unsigned i) {
    io_uring_sqe* sqe = next_sqe();
    if (sqe == nullptr) return;  // stays marked; the next wait tries again
    io_uring_prep_recvmsg_multishot(sqe, slots_[i].fd, &shape_, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = kGroup;
    io_uring_sqe_set_data64(sqe, tag_of(i));
    slots_[i].rearm = false;
  }

  // What every wait submits with it: the watch and the sockets' receives not yet armed.
  void prepare() {
    if (!watch_armed_) arm_watch();
    for (unsigned i = 0; i < kMaxSockets; ++i) {
      if (slots_[i].handler != nullptr && slots_[i].rearm) arm(i);
    }
  }

  // Blocks until `want` completions are ready or `limit` has passed (-ETIME, and -EINTR, leave
  // whatever completed to be taken).
  bool enter(unsigned want, std::chrono::nanoseconds limit, unsigned pending_after) {
    const auto ns = limit.count();
    __kernel_timespec ts{ns / 1'000'000'000, ns % 1'000'000'000};
    io_uring_cqe* cqe = nullptr;
    (void)io_uring_submit_and_wait_timeout(&ring_, &cqe, want, &ts, nullptr);
    return take(pending_after);
  }

  // pending_after: look for receives the kernel had not run yet after a drain that took at
  // least this many datagrams (0: never).
  bool take(unsigned pending_after) {
    bool watch_ready = drain();
    // Deferred task work may stop once the wait has its completions, leaving datagrams the
    // kernel has already been told about for the next turn (a latency budget later). Take them
    // now: a non-blocking enter runs the rest of that work.
    for (int round = 0;
         pending_after > 0 && round < kMaxExtraRounds && drained_datagrams_ >= pending_after;
         ++round) {
      if (io_uring_get_events(&ring_) < 0 || io_uring_cq_ready(&ring_) == 0) break;
      watch_ready = drain() || watch_ready;
    }
    return watch_ready;
  }

  // One-shot, re-armed per wait: a poll checks readiness when it is armed, so what the epoll
  // set still holds (level-triggered sockets left unread) ends the next wait at once.
  void arm_watch() {
    io_uring_sqe* sqe = next_sqe();
    if (sqe == nullptr) return;
    io_uring_prep_poll_add(sqe, watch_fd_, POLLIN);
    io_uring_sqe_set_data64(sqe, kWatchTag);
    watch_armed_ = true;
  }

  // Every completion: datagrams to their handlers in runs per socket, then the buffers back.
  bool drain() {
    bool watch_ready = false;
    drained_datagrams_ = 0;
    unsigned seen = 0;
    unsigned head = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      ++seen;
      const uint64_t tag = cqe->user_data;
      if (tag == kWatchTag) {
        watch_ready = true;
        watch_armed_ = false;
        continue;
      }
      if (tag == kCancelTag || tag == LIBURING_UDATA_TIMEOUT) continue;
      const bool has_buffer = (cqe->flags & IORING_CQE_F_BUFFER) != 0;
      const auto id = static_cast<uint16_t>(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
      if (has_buffer) used_[used_count_++] = id;
      Slot* s = slot_of(tag);
      if (s != nullptr && (cqe->flags & IORING_CQE_F_MORE) == 0) {
        // The kernel ended this receive. Out of buffers: armed again once they are back.
        // Anything else (a kernel without multishot receive: EINVAL): read it the epoll way.
        if (cqe->res >= 0 || cqe->res == -ENOBUFS || cqe->res == -ECANCELED) {
          s->rearm = true;
        } else {
          fallbacks_.push_back(s->fd);
          flush_run();
          release(*s);
          continue;
        }
      }
      if (s == nullptr || !has_buffer || cqe->res <= 0) continue;
      collect(*s, buffer(id), static_cast<unsigned>(cqe->res));
      ++drained_datagrams_;
    }
    flush_run();
    io_uring_cq_advance(&ring_, seen);
    for (unsigned k = 0; k < used_count_; ++k) give_back(used_[k], k);
    io_uring_buf_ring_advance(br_, static_cast<int>(used_count_));
    used_count_ = 0;
    return watch_ready;
  }

  void collect(Slot& s, uint8_t* buf, unsigned len) {
    io_uring_recvmsg_out* o = io_uring_recvmsg_validate(buf, static_cast<int>(len), &shape_);
    if (o == nullptr || (o->flags & MSG_TRUNC) != 0) return;
    if (run_handler_ != s.handler || run_count_ == kRun) flush_run();
    run_handler_ = s.handler;
    msghdr control{};
    control.msg_control = reinterpret_cast<uint8_t*>(io_uring_recvmsg_name(o)) + kName;
    control.msg_controllen = o->controllen;
    const ReceivedControl received = read_control(control);
    if (received.rx_queue_drops) run_drops_ = received.rx_queue_drops;
    Datagram& d = run_[run_count_++];
    d.data = {static_cast<const uint8_t*>(io_uring_recvmsg_payload(o, &shape_)),
              io_uring_recvmsg_payload_length(o, static_cast<int>(len), &shape_)};
    d.from = static_cast<const sockaddr*>(io_uring_recvmsg_name(o));
    d.destination = received.destination;
  }

  void flush_run() {
    if (run_count_ > 0) {
      run_handler_->on_received(std::span<const Datagram>(run_.data(), run_count_), run_drops_);
    }
    run_count_ = 0;
    run_handler_ = nullptr;
    run_drops_.reset();
  }

  int watch_fd_;
  io_uring ring_{};
  bool ring_ready_ = false;
  void* buffer_ring_ = MAP_FAILED;
  void* buffers_ = MAP_FAILED;
  io_uring_buf_ring* br_ = nullptr;
  msghdr shape_{};  // what each buffer holds: header, address, control messages, payload
  bool watch_armed_ = false;
  std::array<Slot, kMaxSockets> slots_{};
  std::vector<int> fallbacks_;
  std::array<uint16_t, kBuffers> used_{};
  unsigned used_count_ = 0;
  unsigned drained_datagrams_ = 0;  // by the last drain()
  std::array<Datagram, kRun> run_{};
  size_t run_count_ = 0;
  Handler* run_handler_ = nullptr;
  std::optional<uint32_t> run_drops_;
};

}  // namespace

std::unique_ptr<MultishotReceiver> MultishotReceiver::create(int watch_fd) {
  const char* env = std::getenv("AVEDGE_MULTISHOT");
  if (env != nullptr && std::strcmp(env, "0") == 0) return nullptr;
  auto r = std::make_unique<UringMultishotReceiver>(watch_fd);
  if (!r->init()) return nullptr;
  return r;
}

#else

std::unique_ptr<MultishotReceiver> MultishotReceiver::create(int /*watch_fd*/) {
  return nullptr;
}

#endif

}  // namespace avedge::net

#include "net/worker.hpp"

#include <sys/prctl.h>

#include <chrono>
#include <ctime>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "net/event_log.hpp"

namespace avedge::net {

namespace {

turn::Now read_clocks() {
  const auto wall = std::chrono::system_clock::now().time_since_epoch();
  return turn::Now{Clock::now(), std::chrono::duration_cast<std::chrono::seconds>(wall).count()};
}

constexpr unsigned kConnIdShift = 48;

}  // namespace

Worker::Worker(unsigned index, const WorkerShared& shared)
    : index_(index),
      tls_(shared.tls),
      fast_path_(shared.fast_path),
      streams_(shared.streams),
      latency_budget_(shared.latency_budget),
      budget_window_(shared.latency_budget),
      budget_when_cheaper_(shared.budget_when_cheaper),
      busy_poll_(shared.busy_poll),
      timer_(io_),
      relays_(io_, poller_, batch_, sendq_, *this, shared.relay_ports, shared.relay_v4,
              shared.relay_v6) {
  server_ = std::make_unique<turn::Server>(shared.server_config, shared.credentials, shared.nonces,
                                           shared.policy, shared.quota, *this,
                                           index << kRelayIdShift, shared.reservations);
}

Worker::~Worker() {
  shutdown_sockets();
}

std::vector<config::Listener> Worker::bind(const std::vector<config::Listener>& listeners) {
  std::vector<config::Listener> bound;
  for (const auto& l : listeners) {
    config::Listener b = l;
    try {
      if (l.kind == config::ListenerKind::Udp) {
        udp_.push_back(
            std::make_unique<UdpListener>(io_, poller_, l.endpoint, batch_, sendq_, *this));
        b.endpoint = udp_.back()->local();
      } else {
        if (l.uses_tls() && !tls_) throw std::runtime_error("no TLS certificate loaded");
        tcp_.push_back(
            std::make_unique<TcpAcceptor>(io_, l.kind, l.endpoint, tls_, *this, streams_));
        b.endpoint = tcp_.back()->local();
      }
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{}: listen \"{}\": cannot bind: {}",
                                           l.where.to_string(), l.url(), e.what()));
    }
    bound.push_back(b);
  }
  return bound;
}

// The worker's event loop. One turn: block in the ReadyPoller until something is ready, drain
// every ready UDP socket (recvmmsg; what is relayed is queued), run asio's ready handlers
// (timers, TCP/TLS, admin requests) if it has any, then send all that was queued at once
// (SendQueue: one sendmmsg, or one io_uring submission across relay sockets).
//
// Several packets per wake-up (issue 7): a wake-up costs a context switch and an epoll_wait,
// more than relaying a packet does. With a latency budget, after a turn that handled packets but
// less than a full receive batch (the load is low), the next wait lasts the budget unless a full
// batch arrives first (ReadyPoller::gather, decision 0012) so that the next turn finds several
// waiting; under high load turns are full and it never waits longer than it must. A packet
// waits at most about one budget longer than it would have. That wait is made only where it
// costs less CPU per packet than sleeping until the next packet (gather_next, decision 0020).
// Without a budget, latency first: while the worker keeps up (its receives take less than a
// full batch), each datagram leaves as soon as it is relayed, before the next is handled; when
// it falls behind, the first socket drained in a turn sends at once, before the others are read.
//
// Busy polling (edge.busy_poll_us, off by default): after a turn that relayed something and is
// not followed by a budget's wait, the worker looks again without sleeping for up to that long,
// so that a datagram arriving within it does not pay a wake-up from idle.
void Worker::run() {
  for (auto& u : udp_) u->start();
  for (auto& t : tcp_) t->start();
  arm_timer();
  if (!sendq_.use_uring()) {
    spdlog::debug("worker {}: no io_uring; relay sends go out one sendmmsg per socket", index_);
  }
  poller_.set_take_pending(latency_budget_.count() > 0);
  net_stats_.budget_wait_us.store(static_cast<uint64_t>(budget_window_.current().count()),
                                  std::memory_order_relaxed);
  if (latency_budget_.count() > 0) {
    // Wake up on time: the default timer slack (50 µs) would stretch every wait for the budget.
    prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
  }
  bool gather = false;  // the last turn was small: let the next one fill up
  bool busy = false;    // the last turn relayed something: poll before sleeping (busy_poll_us)
  while (!io_.stopped()) {
    const uint64_t before = packets_handled_;
    send_first_drain_ = latency_budget_.count() == 0;
    const bool asio_ready =
        gather ? gather_for_budget() : (busy ? poll_then_wait(before) : poller_.wait(-1));
    if (asio_ready || asio_pending_) {
      asio_pending_ = false;
      io_.poll();
    }
    flush_sends();
    relays_.reap();
    const uint64_t handled = packets_handled_ - before;
    gather = gather_next(handled);
    busy = busy_poll_.count() > 0 && handled > 0 && !gather;
  }
  flush_sends();
}

namespace {

std::chrono::nanoseconds thread_cpu_time() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

}  // namespace

// Whether the next wait is a latency budget's, after a turn that handled `handled` packets.
// Only after a turn that relayed less than a full batch; then, with latency_budget_when_cheaper,
// only when BudgetChooser has found it cheaper per packet than sleeping until the next packet
// (decision 0020). The turns it asks for are measured in CPU time of this thread (one clock
// read at the end of each, shared with the start of the next: a system call, at most one per
// wake-up).
bool Worker::gather_next(uint64_t handled) {
  const bool small = latency_budget_.count() > 0 && handled > 0 && handled < RecvBatch::kCount;
  bool gather = small;
  if (budget_when_cheaper_) {
    rate_packets_ += handled;
    std::optional<std::chrono::nanoseconds> cpu;  // read once, for this turn and the next
    if (budget_chooser_.measures_next_turn()) {
      cpu = thread_cpu_time();
      budget_chooser_.on_turn(*cpu - cpu_mark_, handled);
    }
    if (small) {
      gather = budget_chooser_.next(packets_per_wait()) == BudgetChooser::Wait::Gather;
      if (budget_chooser_.measures_next_turn()) cpu_mark_ = cpu ? *cpu : thread_cpu_time();
    }
  }
  if (small) {
    (gather ? net_stats_.budget_waits : net_stats_.budget_waits_skipped)
        .fetch_add(1, std::memory_order_relaxed);
  }
  return gather;
}

// The packets a wait of the budget would find at the rate of the last kRateWindow or more (the
// datagrams and frames handled, counted at the end of each turn). Of the budget, not of the
// wait BudgetWindow has now: while it tries 25 µs waits (decision 0019) those would find few
// packets, the worker would stop waiting, and the try would never end.
double Worker::packets_per_wait() {
  const auto now = std::chrono::steady_clock::now();
  const auto elapsed = now - rate_since_;
  if (elapsed >= kRateWindow) {
    const double seconds = std::chrono::duration<double>(elapsed).count();
    const double wait = std::chrono::duration<double>(latency_budget_).count();
    packets_per_wait_ = static_cast<double>(rate_packets_) / seconds * wait;
    rate_packets_ = 0;
    rate_since_ = now;
  }
  return packets_per_wait_;
}

// Looks (without sleeping) until a look hands over something or busy_poll_ has passed, then
// waits as usual. A wake-up from idle adds about 30 µs to a datagram's latency on this kind of
// virtual machine (docs/PERFORMANCE.md, "Busy polling"); the window costs its CPU time.
bool Worker::poll_then_wait(uint64_t handled_before) {
  const auto until = std::chrono::steady_clock::now() + busy_poll_;
  do {
    const bool asio_ready = poller_.wait(0);
    if (packets_handled_ != handled_before) {
      net_stats_.busy_poll_hits.fetch_add(1, std::memory_order_relaxed);
      return asio_ready;
    }
    if (asio_ready) return true;
  } while (std::chrono::steady_clock::now() < until);
  net_stats_.busy_poll_misses.fetch_add(1, std::memory_order_relaxed);
  return poller_.wait(-1);
}

// A latency budget's wait (ReadyPoller::gather), as long as BudgetWindow says. A wait that
// ended on its timer tells it how late the host woke the worker: when a vCPU that slept past
// the host's halt-poll window keeps waking hundreds of µs late, the waits get shorter.
bool Worker::gather_for_budget() {
  const auto window = budget_window_.current();
  const uint64_t handled_before = packets_handled_;
  const auto start = std::chrono::steady_clock::now();
  const bool asio_ready = poller_.gather(window, RecvBatch::kCount);
  const auto late = std::chrono::steady_clock::now() - start - window;
  if (late < std::chrono::nanoseconds::zero()) return asio_ready;  // a full batch ended it
  // More than a batch handed out: near saturation the wait runs the kernel's receives of a
  // whole backlog (and our handling of it) before it returns, hundreds of µs that are work,
  // not a late wake-up (make bench's max-rate search shortened waits for that before).
  if (packets_handled_ - handled_before > RecvBatch::kCount) return asio_ready;
  if (late >= BudgetWindow::kLate) {
    net_stats_.budget_late_wakeups.fetch_add(1, std::memory_order_relaxed);
  }
  const BudgetWindow::Change change = budget_window_.on_timer_ended(late);
  if (change == BudgetWindow::Change::None) return asio_ready;
  const auto now_us = budget_window_.current().count();
  net_stats_.budget_wait_us.store(static_cast<uint64_t>(now_us), std::memory_order_relaxed);
  log_budget_change(change, now_us);
  return asio_ready;
}

void Worker::log_budget_change(BudgetWindow::Change change, int64_t wait_us) const {
  using Change = BudgetWindow::Change;
  const auto budget = latency_budget_.count();
  switch (change) {
    case Change::None:
      break;
    case Change::Probing:
      spdlog::info(
          "worker {}: more than {} of {} latency budget waits ended {} µs or more after their "
          "timer; trying {} µs waits to see whether their length is the cause",
          index_, BudgetWindow::kTolerated, BudgetWindow::kSample, BudgetWindow::kLate.count(),
          wait_us);
      break;
    case Change::Shortened:
      if (wait_us > BudgetWindow::kStep.count()) {
        spdlog::info("worker {}: {} µs waits ended late again; back to {} µs", index_,
                     wait_us + BudgetWindow::kStep.count(), wait_us);
      } else {
        spdlog::warn(
            "worker {}: latency budget waits end late only when they are long (the host parks "
            "an idle vCPU after its halt-poll window): waits shortened to {} µs and lengthened "
            "again step by step while they end on time (latency_budget_us = {}); fix: lower "
            "latency_budget_us, or let the host poll longer (KVM halt_poll_ns)",
            index_, wait_us, budget);
      }
      break;
    case Change::Lengthened:
      spdlog::info("worker {}: latency budget waits lengthened to {} µs (latency_budget_us = {})",
                   index_, wait_us, budget);
      break;
    case Change::Restored:
      spdlog::warn(
          "worker {}: latency budget waits end late even when short: the core is busy with "
          "other work (another process, or a host short of CPU), not idle; waits stay at "
          "latency_budget_us = {} µs; fix: give the edge cores of its own",
          index_, budget);
      break;
  }
}

void Worker::end_drain() {
  if (send_first_drain_) {
    send_first_drain_ = false;
    flush_sends();
  }
}

void Worker::flush_sends() {
  if (const uint64_t full = sendq_.flush()) on_socket_drops(SocketDrop::BufferFull, full);
  net_stats_.gso_datagrams.store(sendq_.coalesced(), std::memory_order_relaxed);
}

void Worker::reload(const WorkerReload& r) {
  if (r.credentials) server_->set_credentials(r.credentials);
  if (r.policy) server_->set_policy(r.policy);
  if (r.tls && tls_) {
    retired_tls_.push_back(tls_);
    tls_ = r.tls;
    for (auto& t : tcp_) t->set_tls(tls_);
  }
}

void Worker::stop() {
  io_.stop();
  poller_.wake();
}

void Worker::shutdown_sockets() {
  timer_.cancel();
  for (auto& t : tcp_) t->close();
  for (auto& [id, c] : conns_) c->close();
  conns_.clear();
  relays_.close_all();
  flush_sends();
  udp_.clear();
}

void Worker::arm_timer() {
  timer_.expires_after(std::chrono::seconds(1));
  timer_.async_wait([this](const asio::error_code& ec) {
    if (ec) return;
    now_ = read_clocks();
    server_->on_timer(now_);
    flush_event_log();  // pending "suppressed N" event lines (event_log.hpp)
    arm_timer();
  });
}

// --- PacketSink ----------------------------------------------------------------------------

void Worker::begin_batch(bool full) {
  // Budget 0: each recvmmsg batch of the turn's first socket leaves before the next is read.
  if (send_first_drain_) flush_sends();
  // Budget 0 and a batch that is not full: nothing else is waiting, so waiting for the rest
  // of the batch before sending (a sendmmsg, GSO) would only delay the first datagrams by the
  // handling of the later ones. Behind (full batches): batches, for throughput.
  send_each_ = latency_budget_.count() == 0 && !full;
  now_ = read_clocks();
}

void Worker::on_client_packet(const turn::ClientTuple& from, std::span<const uint8_t> bytes) {
  ++packets_handled_;
  server_->on_client_packet(from, bytes, now_);
  if (send_each_) flush_sends();
}

void Worker::on_peer_packet(uint32_t relay_id, const Endpoint& peer,
                            std::span<const uint8_t> bytes) {
  ++packets_handled_;
  server_->on_peer_packet(relay_id, peer, bytes, now_);
  if (send_each_) flush_sends();
}

uint64_t Worker::next_conn_id() {
  return (uint64_t{index_} << kConnIdShift) |
         (++conn_counter_ & ((uint64_t{1} << kConnIdShift) - 1));
}

void Worker::on_stream_open(const std::shared_ptr<StreamConnection>& c) {
  conns_.emplace(c->tuple().conn_id, c);
}

void Worker::on_stream_closed(const turn::ClientTuple& t, bool had_frames) {
  conns_.erase(t.conn_id);
  // RFC 8656 §3.1: the allocation of a TCP/TLS 5-tuple ends with its connection.
  if (had_frames) server_->on_connection_closed(t, read_clocks());
}

bool Worker::holds_allocation(const turn::ClientTuple& t) {
  return server_->has_allocation(t);
}

// --- turn::Io ------------------------------------------------------------------------------

void Worker::send_to_client(const turn::ClientTuple& to, std::span<const uint8_t> bytes) {
  if (to.transport == turn::Transport::Udp) {
    for (auto& u : udp_) {
      if (u->serves(to.server)) {
        u->send(to.server, to.client, bytes);
        return;
      }
    }
    return;
  }
  auto it = conns_.find(to.conn_id);
  if (it != conns_.end()) {
    it->second->send(bytes);
    asio_pending_ = true;  // the write may have completed at once: its handler is queued
  }
}

void Worker::send_from_relay(uint32_t relay_id, const Endpoint& peer,
                             std::span<const uint8_t> bytes, bool dont_fragment) {
  relays_.send(relay_id, peer, bytes, dont_fragment);
}

std::optional<Endpoint> Worker::open_relay(uint32_t relay_id, Family family,
                                           const turn::RelayPortRequest& req) {
  auto ep = relays_.open(relay_id, family, req);
  net_stats_.relay_sockets.store(relays_.size(), std::memory_order_relaxed);
  return ep;
}

void Worker::close_relay(uint32_t relay_id) {
  relays_.close(relay_id);
  net_stats_.relay_sockets.store(relays_.size(), std::memory_order_relaxed);
}

void Worker::event(const turn::EventInfo& info) {
  if (!info.username.empty()) {
    const auto wall = std::chrono::system_clock::now().time_since_epoch();
    decisions_.record(info, std::chrono::duration<double>(wall).count());
  }
  log_event(info, index_);
}

turn::KernelRelayed Worker::channel_routes_changed(const turn::ClientTuple& t,
                                                   std::span<const turn::ChannelRoute> routes) {
  return fast_path_->set_routes(t, routes);
}

void Worker::on_socket_drops(SocketDrop why, uint64_t n) {
  turn::bump(why == SocketDrop::BufferFull ? net_stats_.buffer_full : net_stats_.rx_queue_overflow,
             n);
}

// --- admin API (worker thread) ---------------------------------------------------------------

std::vector<turn::AllocationInfo> Worker::sessions() {
  auto list = server_->allocations(read_clocks());
  if (fast_path_ != nullptr) {
    // What the kernel relayed on the routes it holds now (what it relayed on routes it gave
    // up is in the allocation's counts already).
    for (auto& a : list) fast_path_->relayed(a.tuple).add_to(a.packets, a.bytes);
  }
  return list;
}

bool Worker::delete_session(uint32_t id) {
  now_ = read_clocks();
  return server_->delete_allocation(id);
}

std::vector<Decision> Worker::decisions(std::string_view user, size_t max) const {
  return decisions_.for_user(user, max);
}

}  // namespace avedge::net

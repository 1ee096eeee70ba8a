// A worker (DESIGN.md §2): one thread, one io_context, shared nothing. It owns its
// turn::Server, its listening sockets (SO_REUSEPORT), its accepted TCP/TLS connections, its
// relay sockets and a 1 s timer. It is the turn::Io of its server.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include <asio.hpp>
#include <asio/ssl.hpp>

#include "auth/credentials.hpp"
#include "auth/nonce.hpp"
#include "config/config.hpp"
#include "net/budget_chooser.hpp"
#include "net/budget_window.hpp"
#include "net/decision_ring.hpp"
#include "net/fast_path.hpp"
#include "net/net_stats.hpp"
#include "net/packet_sink.hpp"
#include "net/ready_poller.hpp"
#include "net/recv_batch.hpp"
#include "net/relay_sockets.hpp"
#include "net/send_queue.hpp"
#include "net/stream_connection.hpp"
#include "net/tcp_acceptor.hpp"
#include "net/udp_listener.hpp"
#include "turn/server.hpp"

namespace avedge::net {

// What every worker shares, read-only except the quota tracker (locked inside).
struct WorkerShared {
  turn::ServerConfig server_config;
  std::shared_ptr<const auth::CredentialStore> credentials;
  std::shared_ptr<const auth::NonceService> nonces;
  std::shared_ptr<const turn::PeerPolicy> policy;
  std::shared_ptr<turn::QuotaTracker> quota;
  // RESERVATION-TOKEN ports: shared, the RTCP Allocate may land on another worker.
  std::shared_ptr<turn::Reservations> reservations;
  std::shared_ptr<asio::ssl::context> tls;  // null when no TLS listener
  config::PortRange relay_ports;
  std::optional<IpAddress> relay_v4;
  std::optional<IpAddress> relay_v6;
  StreamLimits streams;  // [limits] of TCP/TLS connections; the counts are shared by workers
  std::chrono::microseconds latency_budget{0};  // edge.latency_budget_us (Worker::run)
  bool budget_when_cheaper = true;              // edge.latency_budget_when_cheaper
  std::chrono::microseconds busy_poll{0};       // edge.busy_poll_us (Worker::poll_then_wait)
  std::shared_ptr<FastPath> fast_path;          // edge.fast_path = "tc"; null when off
};

// What a configuration reload hands every worker (issue 6 item 7); null members stay as they are.
struct WorkerReload {
  std::shared_ptr<const auth::CredentialStore> credentials;
  std::shared_ptr<const turn::PeerPolicy> policy;
  std::shared_ptr<asio::ssl::context> tls;
};

class Worker final : public turn::Io, public PacketSink {
 public:
  // Relay ids of worker i are i << 24 | n, so they never collide between workers, and the
  // admin API finds the owner of an allocation id.
  static constexpr unsigned kRelayIdShift = 24;

  Worker(unsigned index, const WorkerShared& shared);
  ~Worker() override;
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Binds every listener (in the calling thread); throws std::system_error or
  // std::runtime_error naming the listener. Returns them with their bound ports.
  std::vector<config::Listener> bind(const std::vector<config::Listener>& listeners);
  void run();   // the worker thread: until stop()
  void stop();  // any thread

  [[nodiscard]] unsigned index() const { return index_; }

  // Live counters; any thread may read them (relaxed atomics).
  [[nodiscard]] const turn::Stats& turn_stats() const { return server_->stats(); }
  [[nodiscard]] const NetStats& net_stats() const { return net_stats_; }
  // Runs fn on the worker thread (admin API). Never touch worker state from another thread.
  void post(std::function<void()> fn) {
    asio::post(io_, std::move(fn));
    poller_.wake();
  }
  // Worker thread only (call through post).
  [[nodiscard]] std::vector<turn::AllocationInfo> sessions();
  bool delete_session(uint32_t id);
  void set_drain(const std::optional<turn::DrainTarget>& drain) { server_->set_drain(drain); }
  [[nodiscard]] std::vector<Decision> decisions(std::string_view user, size_t max) const;
  void reload(const WorkerReload& r);

  // turn::Io
  void send_to_client(const turn::ClientTuple& to, std::span<const uint8_t> bytes) override;
  void send_from_relay(uint32_t relay_id, const Endpoint& peer, std::span<const uint8_t> bytes,
                       bool dont_fragment) override;
  std::optional<Endpoint> open_relay(uint32_t relay_id, Family family,
                                     const turn::RelayPortRequest& req) override;
  void close_relay(uint32_t relay_id) override;
  void event(const turn::EventInfo& info) override;
  [[nodiscard]] bool wants_channel_routes() const override { return fast_path_ != nullptr; }
  turn::KernelRelayed channel_routes_changed(const turn::ClientTuple& t,
                                             std::span<const turn::ChannelRoute> routes) override;

  // PacketSink
  void begin_batch(bool full) override;
  void on_client_packet(const turn::ClientTuple& from, std::span<const uint8_t> bytes) override;
  void on_peer_packet(uint32_t relay_id, const Endpoint& peer,
                      std::span<const uint8_t> bytes) override;
  void end_drain() override;
  uint64_t next_conn_id() override;
  void on_stream_open(const std::shared_ptr<StreamConnection>& c) override;
  void on_stream_closed(const turn::ClientTuple& t, bool had_frames) override;
  bool holds_allocation(const turn::ClientTuple& t) override;
  void on_socket_drops(SocketDrop why, uint64_t n) override;

 private:
  void arm_timer();
  bool poll_then_wait(uint64_t handled_before);
  bool gather_for_budget();
  bool gather_next(uint64_t handled);
  double packets_per_wait();
  void log_budget_change(BudgetWindow::Change change, int64_t wait_us) const;
  void shutdown_sockets();
  void flush_sends();

  // io_ first: destroyed last, after every socket bound to it; the poller next, after
  // every socket registered on it.
  asio::io_context io_;
  ReadyPoller poller_{io_};
  bool asio_pending_ = false;      // a UDP handler started asio work (a write on a TCP/TLS stream)
  bool send_first_drain_ = false;  // latency budget 0: this turn's first drain not sent yet
  bool send_each_ = false;         // latency budget 0 and the batch was not full: send at once
  unsigned index_;
  std::shared_ptr<asio::ssl::context> tls_;
  std::shared_ptr<FastPath> fast_path_;  // before server_, whose allocations withdraw routes
  StreamLimits streams_;
  std::vector<std::shared_ptr<asio::ssl::context>> retired_tls_;  // of connections still open
  RecvBatch batch_;
  SendQueue sendq_;  // before the sockets that queue on it
  std::chrono::microseconds latency_budget_;
  BudgetWindow budget_window_;  // how long a budget's wait lasts (decision 0019)
  bool budget_when_cheaper_;
  BudgetChooser budget_chooser_;         // whether it is made at all (decision 0020)
  std::chrono::nanoseconds cpu_mark_{};  // the thread's CPU time when a measured turn began
  static constexpr std::chrono::milliseconds kRateWindow{20};
  uint64_t rate_packets_ = 0;  // handled since rate_since_
  std::chrono::steady_clock::time_point rate_since_{};
  double packets_per_wait_ = 0;  // at the rate measured last (packets_per_wait)
  std::chrono::microseconds busy_poll_;
  uint64_t packets_handled_ = 0;  // datagrams and frames given to the server (run_with_budget)
  turn::Now now_{};
  asio::steady_timer timer_;
  std::vector<std::unique_ptr<UdpListener>> udp_;
  std::vector<std::unique_ptr<TcpAcceptor>> tcp_;
  std::unordered_map<uint64_t, std::shared_ptr<StreamConnection>> conns_;
  uint64_t conn_counter_ = 0;
  RelaySockets relays_;
  NetStats net_stats_;
  DecisionRing decisions_;
  std::unique_ptr<turn::Server> server_;
};

}  // namespace avedge::net

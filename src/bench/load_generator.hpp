// `avedge bench` (issue 7): a TURN load generator built not to be the bottleneck. One thread,
// one UDP socket per allocation (each its own 5-tuple) plus one peer socket, epoll, and
// sendmmsg/recvmmsg batches. Payloads carry a sequence number and a send timestamp, so loss
// and latency come from what arrives, not from the server's word.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/address.hpp"
#include "probe/stream.hpp"
#include "turn/io.hpp"

namespace avedge::bench {

enum class Mode : uint8_t {
  Throughput,  // relay packets for `duration` at `rate` (0: as fast as possible)
  Setup,       // allocation setup rate: 401, authenticated Allocate, ChannelBind
  Hold,        // allocations kept alive by Refresh for `duration` (memory per allocation)
};
const char* to_string(Mode m);

// How the clients reach the edge (RFC 8656 §3.1), named as the server names it; the relay
// toward the peer is UDP in all three.
using turn::Transport;

struct BenchOptions {
  Mode mode = Mode::Throughput;
  Endpoint server;  // listener of the edge: UDP, TCP or TLS as `transport` says
  // TCP and TLS: one connection per allocation, opened (and TLS handshaken) before the clock of
  // the setup rate starts; ChannelData padded to 4 bytes (RFC 8656 §12.5); no GSO.
  Transport transport = Transport::Udp;
  probe::TlsOptions tls;  // with Transport::Tls
  IpAddress client_ip;    // where the client sockets bind (default: 127.0.0.1)
  IpAddress peer_ip;      // where the peer socket binds; the relay must be allowed to reach it
  std::string username;   // static user, or empty with rest_secret set
  std::string password;
  std::string rest_secret;  // TURN REST: usernames "expiry:benchN", HMAC-SHA1 passwords
  uint32_t allocations = 100;
  bool channel_data = true;  // false: Send/Data indications
  bool both_directions = false;
  size_t payload = 160;
  uint64_t rate = 0;  // packets per second per direction, all allocations together; 0: max
  double duration = 10;
  unsigned window = 200;  // handshakes in flight at once
  double timeout = 3;     // per request, with retransmissions at 0.5 s
  unsigned batch = 32;    // packets per send (one UDP GSO buffer, or one sendmmsg)
  bool gso = true;        // UDP_SEGMENT sends: the generator's own cost per packet down
  // Never sleep between sends: poll the sockets instead, so that a datagram reaching the
  // generator never has to wake it. On one host the sender pays the receiver's wake-up
  // (loopback delivers in the sender's context); with a peer on another machine it would not.
  bool spin = false;
  uint16_t peer_port = 0;  // 0: any
  // No TURN: the payloads go straight to `server`, a bare UDP forwarder (bench/udp_forwarder)
  // that sends them to the peer socket and back; the ceiling any relay is measured against.
  bool raw = false;
  // With raw: session i's relay address is server-IP:(raw_relay_base + i) instead of `server`,
  // for bench/fanout_forwarder (one relay socket per session, as TURN has); 0: `server`.
  uint16_t raw_relay_base = 0;
};

struct BenchResult {
  Mode mode = Mode::Throughput;
  uint32_t allocations = 0;
  uint32_t ready = 0;
  uint32_t failed = 0;
  std::string first_error;  // of a failed allocation, e.g. "403 Forbidden"
  double setup_seconds = 0;
  uint64_t sent = 0;      // data packets sent (both directions)
  uint64_t received = 0;  // data packets that came back through the relay
  double traffic_seconds = 0;
  uint64_t p50_ns = 0;
  uint64_t p99_ns = 0;
  uint64_t p999_ns = 0;
  uint64_t max_ns = 0;
  double generator_cpu = 0;  // CPU seconds of this process per wall second in the traffic phase
  uint32_t deallocated = 0;

  [[nodiscard]] double loss() const {
    return sent == 0 ? 0 : 1.0 - static_cast<double>(received) / static_cast<double>(sent);
  }
  [[nodiscard]] double setup_rate() const { return setup_seconds > 0 ? ready / setup_seconds : 0; }
};

// Throws std::runtime_error when the sockets cannot be opened.
BenchResult run_bench(const BenchOptions& o);

// One line of JSON with every field, for scripts (bench/compare.sh).
std::string format_result_json(const BenchResult& r, const BenchOptions& o);
// A few human lines.
std::string format_result_human(const BenchResult& r, const BenchOptions& o);

}  // namespace avedge::bench

// The kernel fast path for channel-bound UDP (issue 7 item 4, decision 0013): loads
// bpf/channel_relay.bpf.c, attaches it at tc ingress of the configured interfaces and keeps its
// maps equal to the routes the TURN core publishes (turn::Io::channel_routes_changed).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "turn/channel_routes.hpp"
#include "turn/io.hpp"

namespace avedge::net {

struct FastPathCounters {
  uint64_t to_peer_packets = 0;
  uint64_t to_peer_bytes = 0;
  uint64_t to_client_packets = 0;
  uint64_t to_client_bytes = 0;
  uint64_t declined = 0;  // routed, but handed to the userspace relay (no forwarding route)
  uint64_t routes = 0;    // channel routes in the kernel's maps
  // Channel routes the kernel cannot carry (client and peer of two IP families): avedge
  // relays them.
  uint64_t mixed_family_routes = 0;
};

class FastPath {
 public:
  // True when this build carries the program (libbpf and clang were there at build time).
  static bool built_in();
  // Loads the program and attaches it to tc ingress of each interface, replacing a filter a
  // previous avedge left there. Throws std::runtime_error naming the interface, cause and fix.
  static std::shared_ptr<FastPath> attach(const std::vector<std::string>& interfaces);
  // The program loaded with its maps but attached nowhere: for tests and the fuzz target,
  // which run it on frames of their own (run_program). Throws like attach().
  static std::shared_ptr<FastPath> load_unattached();
  ~FastPath();  // detaches
  FastPath(const FastPath&) = delete;
  FastPath& operator=(const FastPath&) = delete;

  // Makes the kernel's routes of allocation `t` equal `routes` (thread-safe). Returns what the
  // kernel relayed on the routes it took away or rewrote (their counts start again at 0).
  turn::KernelRelayed set_routes(const turn::ClientTuple& t,
                                 std::span<const turn::ChannelRoute> routes);
  // What the kernel relayed on the routes of `t` it holds now (thread-safe).
  [[nodiscard]] turn::KernelRelayed relayed(const turn::ClientTuple& t) const;
  [[nodiscard]] FastPathCounters counters() const;
  [[nodiscard]] const std::vector<std::string>& interfaces() const;

  // Runs the program once on an Ethernet frame as if it arrived on `ingress_ifindex`
  // (BPF_PROG_TEST_RUN): its tc action and the frame as it left.
  struct ProgramRun {
    int action = -1;  // TC_ACT_OK 0, TC_ACT_SHOT 2, TC_ACT_REDIRECT 7
    std::vector<uint8_t> frame;
  };
  [[nodiscard]] ProgramRun run_program(std::span<const uint8_t> frame,
                                       uint32_t ingress_ifindex) const;

  struct State;

 private:
  explicit FastPath(std::unique_ptr<State> s);
  std::unique_ptr<State> state_;
};

}  // namespace avedge::net

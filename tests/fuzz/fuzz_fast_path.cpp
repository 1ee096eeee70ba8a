// libFuzzer target: the tc fast path's program (bpf/channel_relay.bpf.c) run by the kernel
// (BPF_PROG_TEST_RUN) on arbitrary frames, with the routes of the seed frames installed
// (tests/fuzz/corpus/fast_path). Needs root, like avedge with edge.fast_path = "tc".
// Properties: the program never drops a frame; a frame it changes is a well-formed IPv4/UDP
// datagram between the addresses of an installed route; one it does not route is untouched.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <vector>

#include "net/fast_path.hpp"

namespace {

using namespace avedge;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

const turn::ClientTuple kClient{turn::Transport::Udp, *Endpoint::parse("127.0.0.2:40000"),
                                *Endpoint::parse("127.0.0.1:3478"), 0};
const Endpoint kPeer = *Endpoint::parse("127.0.0.3:6000");
const Endpoint kRelay = *Endpoint::parse("127.0.0.1:50000");

net::FastPath& program() {
  static std::shared_ptr<net::FastPath> fp = [] {
    auto p = net::FastPath::load_unattached();
    const turn::ChannelRoute r{0x4001, kPeer, kRelay, Clock::now() + Seconds{3600}};
    p->set_routes(kClient, std::span<const turn::ChannelRoute>(&r, 1));
    return p;
  }();
  return *fp;
}

uint16_t get16(const std::vector<uint8_t>& f, size_t at) {
  return static_cast<uint16_t>(f[at] << 8 | f[at + 1]);
}

bool is(const std::vector<uint8_t>& f, size_t at, const Endpoint& e) {
  return std::memcmp(f.data() + at, e.ip.bytes.data(), 4) == 0;
}

void check_rewritten(const std::vector<uint8_t>& f) {
  check(f.size() >= 14 + 20 + 8);
  check(f[14] == 0x45 && f[14 + 9] == 17);
  check(get16(f, 16) == f.size() - 14);
  check(get16(f, 38) == f.size() - 34);
  uint32_t sum = 0;
  for (size_t i = 14; i < 34; i += 2) sum += get16(f, i);
  while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
  check(sum == 0xFFFF);
  const bool to_peer = is(f, 26, kRelay) && is(f, 30, kPeer) && get16(f, 34) == kRelay.port &&
                       get16(f, 36) == kPeer.port;
  const bool to_client = is(f, 26, kClient.server) && is(f, 30, kClient.client) &&
                         get16(f, 34) == kClient.server.port &&
                         get16(f, 36) == kClient.client.port && f.size() >= 46 &&
                         get16(f, 42) == 0x4001 && get16(f, 44) == f.size() - 46;
  check(to_peer || to_client);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 14 || size > 9000) return 0;  // BPF_PROG_TEST_RUN wants at least an Ethernet header
  const std::span<const uint8_t> in(data, size);
  net::FastPath::ProgramRun run;
  try {
    run = program().run_program(in, 1);
  } catch (const std::runtime_error&) {
    return 0;  // the kernel builds no skb of it (an IPv4 frame shorter than its header)
  }
  check(run.action == 0 || run.action == 7);  // TC_ACT_OK or TC_ACT_REDIRECT, never SHOT
  if (run.frame.size() != size || std::memcmp(run.frame.data(), data, size) != 0) {
    check_rewritten(run.frame);
  }
  return 0;
}

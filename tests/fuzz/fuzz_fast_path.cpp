// libFuzzer target: the tc fast path's program (bpf/channel_relay.bpf.c) run by the kernel
// (BPF_PROG_TEST_RUN) on arbitrary frames, with the routes of the seed frames installed
// (tests/fuzz/corpus/fast_path). Needs root, like avedge with edge.fast_path = "tc".
// Properties: the program never drops a frame; a frame it changes is a well-formed IPv4 or IPv6 UDP
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
const turn::ClientTuple kClient6{turn::Transport::Udp, *Endpoint::parse("[::1]:40000"),
                                 *Endpoint::parse("[::1]:3478"), 0};
const Endpoint kPeer6 = *Endpoint::parse("[::1]:6000");
const Endpoint kRelay6 = *Endpoint::parse("[::1]:50000");

net::FastPath& program() {
  static std::shared_ptr<net::FastPath> fp = [] {
    auto p = net::FastPath::load_unattached();
    const turn::ChannelRoute r{0x4001, kPeer, kRelay, Clock::now() + Seconds{3600}};
    p->set_routes(kClient, std::span<const turn::ChannelRoute>(&r, 1));
    const turn::ChannelRoute r6{0x4001, kPeer6, kRelay6, Clock::now() + Seconds{3600}};
    p->set_routes(kClient6, std::span<const turn::ChannelRoute>(&r6, 1));
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

uint32_t sum16(const uint8_t* p, size_t n, uint32_t sum) {
  for (size_t i = 0; i + 1 < n; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (n % 2 != 0) sum += static_cast<uint32_t>(p[n - 1] << 8);
  return sum;
}

// The UDP checksum of an IPv6 frame is right (RFC 8200 §8.1), as far as its length fields allow.
bool udp6_checksum_ok(const uint8_t* f, size_t size) {
  if (size < 14 + 40 + 8) return false;
  const size_t udp_len = size - 54;
  uint32_t sum = sum16(f + 22, 32, 0) + static_cast<uint32_t>(udp_len) + 17;
  sum = sum16(f + 54, udp_len, sum);
  while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
  return sum == 0xFFFF;
}

// An IPv6 frame the program changed: one of the two rewrites of the installed IPv6 route. Its
// checksum is updated, not recomputed: right when the frame's was (garbage in, garbage out).
void check_rewritten6(const std::vector<uint8_t>& f, bool input_checksum_ok) {
  check(f.size() >= 14 + 40 + 8);
  check(f[14] >> 4 == 6 && f[14 + 6] == 17);
  const size_t udp_len = f.size() - 54;
  check(get16(f, 18) == udp_len && get16(f, 58) == udp_len);
  if (input_checksum_ok) check(udp6_checksum_ok(f.data(), f.size()));
  // ::1 everywhere: the ports tell the two rewrites apart.
  const bool to_peer = get16(f, 54) == kRelay6.port && get16(f, 56) == kPeer6.port;
  const bool to_client = get16(f, 54) == kClient6.server.port &&
                         get16(f, 56) == kClient6.client.port && f.size() >= 66 &&
                         get16(f, 62) == 0x4001 && get16(f, 64) == f.size() - 66;
  check(to_peer || to_client);
}

void check_rewritten(const std::vector<uint8_t>& f, bool input_checksum_ok) {
  if (f.size() >= 14 && f[12] == 0x86 && f[13] == 0xDD) {
    return check_rewritten6(f, input_checksum_ok);
  }
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
    check_rewritten(run.frame, udp6_checksum_ok(data, size));
  }
  return 0;
}

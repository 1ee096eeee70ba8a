// The tc fast path's program (bpf/channel_relay.bpf.c) run by the kernel on frames built here
// (BPF_PROG_TEST_RUN), with routes set through FastPath as the workers set them: the exact
// rewrite both ways (RFC 8656 §12.6, §12.7), and every frame it must leave alone.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "net/fast_path.hpp"
#include "turn/stats.hpp"

using namespace avedge;
using namespace avedge::net;

namespace {

constexpr int kOk = 0;  // TC_ACT_OK
constexpr uint32_t kLoopback = 1;

const turn::ClientTuple kClient{turn::Transport::Udp, *Endpoint::parse("127.0.0.2:40000"),
                                *Endpoint::parse("127.0.0.1:3478"), 0};
const Endpoint kPeer = *Endpoint::parse("127.0.0.3:6000");
const Endpoint kRelay = *Endpoint::parse("127.0.0.1:50000");

uint16_t get16(const std::vector<uint8_t>& f, size_t at) {
  return static_cast<uint16_t>(f[at] << 8 | f[at + 1]);
}

// An Ethernet + IPv4 + UDP frame (no IP options, UDP checksum 0).
std::vector<uint8_t> frame(const Endpoint& from, const Endpoint& to,
                           const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> f(14 + 20 + 8);
  f[12] = 0x08;  // ETH_P_IP
  const size_t ip_len = 20 + 8 + payload.size();
  uint8_t* ip = f.data() + 14;
  ip[0] = 0x45;
  ip[2] = static_cast<uint8_t>(ip_len >> 8);
  ip[3] = static_cast<uint8_t>(ip_len);
  ip[6] = 0x40;  // DF
  ip[8] = 64;
  ip[9] = 17;
  std::memcpy(ip + 12, from.ip.bytes.data(), 4);
  std::memcpy(ip + 16, to.ip.bytes.data(), 4);
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += static_cast<uint32_t>(ip[i] << 8 | ip[i + 1]);
  while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
  ip[10] = static_cast<uint8_t>(~sum >> 8);
  ip[11] = static_cast<uint8_t>(~sum);
  uint8_t* udp = ip + 20;
  udp[0] = static_cast<uint8_t>(from.port >> 8);
  udp[1] = static_cast<uint8_t>(from.port);
  udp[2] = static_cast<uint8_t>(to.port >> 8);
  udp[3] = static_cast<uint8_t>(to.port);
  udp[4] = static_cast<uint8_t>((8 + payload.size()) >> 8);
  udp[5] = static_cast<uint8_t>(8 + payload.size());
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

std::vector<uint8_t> channel_data(uint16_t ch, const std::string& data, size_t pad = 0) {
  std::vector<uint8_t> p{static_cast<uint8_t>(ch >> 8), static_cast<uint8_t>(ch),
                         static_cast<uint8_t>(data.size() >> 8), static_cast<uint8_t>(data.size())};
  p.insert(p.end(), data.begin(), data.end());
  p.insert(p.end(), pad, 0);
  return p;
}

std::vector<uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

bool ip_checksum_ok(const std::vector<uint8_t>& f) {
  uint32_t sum = 0;
  for (size_t i = 14; i < 34; i += 2) sum += get16(f, i);
  while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
  return sum == 0xFFFF;
}

// The frame's addresses, ports and payload, checked field by field.
void expect_datagram(const std::vector<uint8_t>& f, const Endpoint& from, const Endpoint& to,
                     const std::vector<uint8_t>& payload) {
  ASSERT_EQ(f.size(), 14 + 20 + 8 + payload.size());
  EXPECT_EQ(get16(f, 14 + 2), 20 + 8 + payload.size()) << "IP total length";
  EXPECT_TRUE(ip_checksum_ok(f));
  EXPECT_EQ(std::memcmp(f.data() + 26, from.ip.bytes.data(), 4), 0) << "source address";
  EXPECT_EQ(std::memcmp(f.data() + 30, to.ip.bytes.data(), 4), 0) << "destination address";
  EXPECT_EQ(get16(f, 34), from.port);
  EXPECT_EQ(get16(f, 36), to.port);
  EXPECT_EQ(get16(f, 38), 8 + payload.size()) << "UDP length";
  EXPECT_EQ(get16(f, 40), 0) << "UDP checksum: none (RFC 768)";
  EXPECT_EQ(std::vector<uint8_t>(f.begin() + 42, f.end()), payload);
}

// An Ethernet + IPv6 + UDP frame with a correct UDP checksum (RFC 8200 §8.1).
uint32_t sum16(const uint8_t* p, size_t n, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (n % 2 != 0) sum += static_cast<uint32_t>(p[n - 1] << 8);
  return sum;
}
uint16_t fold(uint32_t sum) {
  while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}
// The one's-complement sum of pseudo-header and UDP datagram of an IPv6 frame: 0xFFFF when
// its checksum is right.
uint16_t udp6_sum(const std::vector<uint8_t>& f) {
  const size_t udp_len = f.size() - 54;
  uint32_t sum = sum16(f.data() + 22, 32);  // source and destination addresses
  sum += static_cast<uint32_t>(udp_len >> 16) + static_cast<uint32_t>(udp_len & 0xFFFF) + 17;
  return fold(sum16(f.data() + 54, udp_len, sum));
}

std::vector<uint8_t> frame6(const Endpoint& from, const Endpoint& to,
                            const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> f(14 + 40 + 8);
  f[12] = 0x86;  // ETH_P_IPV6
  f[13] = 0xDD;
  uint8_t* ip = f.data() + 14;
  const size_t udp_len = 8 + payload.size();
  ip[0] = 0x60;
  ip[4] = static_cast<uint8_t>(udp_len >> 8);
  ip[5] = static_cast<uint8_t>(udp_len);
  ip[6] = 17;
  ip[7] = 64;
  std::memcpy(ip + 8, from.ip.bytes.data(), 16);
  std::memcpy(ip + 24, to.ip.bytes.data(), 16);
  uint8_t* udp = ip + 40;
  udp[0] = static_cast<uint8_t>(from.port >> 8);
  udp[1] = static_cast<uint8_t>(from.port);
  udp[2] = static_cast<uint8_t>(to.port >> 8);
  udp[3] = static_cast<uint8_t>(to.port);
  udp[4] = static_cast<uint8_t>(udp_len >> 8);
  udp[5] = static_cast<uint8_t>(udp_len);
  f.insert(f.end(), payload.begin(), payload.end());
  const uint16_t check = static_cast<uint16_t>(~udp6_sum(f));
  f[54 + 6] = static_cast<uint8_t>(check >> 8);
  f[54 + 7] = static_cast<uint8_t>(check);
  return f;
}

void expect_datagram6(const std::vector<uint8_t>& f, const Endpoint& from, const Endpoint& to,
                      const std::vector<uint8_t>& payload) {
  ASSERT_EQ(f.size(), 14 + 40 + 8 + payload.size());
  EXPECT_EQ(get16(f, 14 + 4), 8 + payload.size()) << "IPv6 payload length";
  EXPECT_EQ(std::memcmp(f.data() + 22, from.ip.bytes.data(), 16), 0) << "source address";
  EXPECT_EQ(std::memcmp(f.data() + 38, to.ip.bytes.data(), 16), 0) << "destination address";
  EXPECT_EQ(get16(f, 54), from.port);
  EXPECT_EQ(get16(f, 56), to.port);
  EXPECT_EQ(get16(f, 58), 8 + payload.size()) << "UDP length";
  EXPECT_NE(get16(f, 60), 0) << "IPv6 UDP checksums are mandatory";
  EXPECT_EQ(udp6_sum(f), 0xFFFF) << "UDP checksum";
  EXPECT_EQ(std::vector<uint8_t>(f.begin() + 62, f.end()), payload);
}

const turn::ClientTuple kClient6{turn::Transport::Udp, *Endpoint::parse("[::1]:40000"),
                                 *Endpoint::parse("[::1]:3478"), 0};
const Endpoint kPeer6 = *Endpoint::parse("[::1]:6000");
const Endpoint kRelay6 = *Endpoint::parse("[::1]:50000");

class FastPathProgram : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!FastPath::built_in()) GTEST_SKIP() << "built without libbpf: no program to run";
    fp_ = FastPath::load_unattached();  // throws (fails the test) without root or BPF
    route(Seconds{60});
  }
  void route(Seconds from_now) {
    const turn::ChannelRoute r{0x4001, kPeer, kRelay, Clock::now() + from_now};
    fp_->set_routes(kClient, std::span<const turn::ChannelRoute>(&r, 1));
  }
  // Runs a frame the program must leave alone.
  void expect_untouched(const std::vector<uint8_t>& f, const char* why) {
    const auto run = fp_->run_program(f, kLoopback);
    EXPECT_EQ(run.action, kOk) << why;
    EXPECT_EQ(run.frame, f) << why;
  }
  std::shared_ptr<FastPath> fp_;
};

}  // namespace

TEST_F(FastPathProgram, ClientChannelDataLeavesAsTheRelaysDatagramToThePeer) {
  const auto run = fp_->run_program(
      frame(kClient.client, kClient.server, channel_data(0x4001, "hello")), kLoopback);
  EXPECT_EQ(run.action, kOk) << "127/8 on lo: up the stack to the peer's socket";
  expect_datagram(run.frame, kRelay, kPeer, bytes("hello"));
  const auto c = fp_->counters();
  EXPECT_EQ(c.to_peer_packets, 1U);
  EXPECT_EQ(c.to_peer_bytes, 5U);
  EXPECT_EQ(c.routes, 1U);
}

TEST_F(FastPathProgram, PaddingAfterTheDataIsCutOff) {
  // RFC 8656 §12.5: over UDP the ChannelData may carry up to 3 bytes of padding.
  const auto run = fp_->run_program(
      frame(kClient.client, kClient.server, channel_data(0x4001, "hello", 3)), kLoopback);
  EXPECT_EQ(run.action, kOk);
  expect_datagram(run.frame, kRelay, kPeer, bytes("hello"));
}

TEST_F(FastPathProgram, APeersDatagramLeavesAsChannelDataToTheClient) {
  const auto run = fp_->run_program(frame(kPeer, kRelay, bytes("world!")), kLoopback);
  EXPECT_EQ(run.action, kOk);
  expect_datagram(run.frame, kClient.server, kClient.client, channel_data(0x4001, "world!"));
  EXPECT_EQ(fp_->counters().to_client_packets, 1U);
  EXPECT_EQ(fp_->counters().to_client_bytes, 6U);
}

TEST_F(FastPathProgram, FramesWithoutARouteOrOutOfShapeAreLeftAlone) {
  const auto good = frame(kClient.client, kClient.server, channel_data(0x4001, "hello"));
  expect_untouched(frame(kClient.client, kClient.server, channel_data(0x4002, "hello")),
                   "a channel with no route");
  expect_untouched(
      frame(*Endpoint::parse("127.0.0.2:40001"), kClient.server, channel_data(0x4001, "hello")),
      "another client port");
  expect_untouched(frame(*Endpoint::parse("127.0.0.3:6001"), kRelay, bytes("x")),
                   "another peer port: a Data indication, userspace's job");
  auto longer = channel_data(0x4001, "hello");
  longer[3] = 9;  // the length field promises more than there is
  expect_untouched(frame(kClient.client, kClient.server, longer),
                   "ChannelData longer than the datagram");
  expect_untouched(frame(kClient.client, kClient.server, channel_data(0x4001, "hello", 4)),
                   "4 bytes after the data: not padding");
  auto stun = good;
  stun[42] = 0x00;  // first bits 00: a STUN message
  expect_untouched(stun, "not ChannelData");
  auto fragment = good;
  fragment[14 + 6] = 0x20;  // MF
  expect_untouched(fragment, "a fragment");
  auto v6 = good;
  v6[14] = 0x65;
  expect_untouched(v6, "IP version 6 in an IPv4 frame");
  auto trailer = good;
  trailer.push_back(0);  // the frame is longer than the IP packet says
  expect_untouched(trailer, "bytes after the IP packet");
  expect_untouched(std::vector<uint8_t>(good.begin(), good.begin() + 40), "a truncated frame");
  EXPECT_EQ(fp_->counters().to_peer_packets, 0U);
}

TEST_F(FastPathProgram, ALapsedOrWithdrawnRouteRelaysNothing) {
  const auto cd = frame(kClient.client, kClient.server, channel_data(0x4001, "hello"));
  route(Seconds{-1});
  expect_untouched(cd, "the route lapsed (its permission or channel expired)");
  expect_untouched(frame(kPeer, kRelay, bytes("x")), "the route lapsed, peer side");
  route(Seconds{60});
  fp_->set_routes(kClient, {});
  expect_untouched(cd, "the route was withdrawn");
  EXPECT_EQ(fp_->counters().routes, 0U);
}

TEST_F(FastPathProgram, ADestinationTheFibCannotForwardToIsDeclinedUntouched) {
  // Off loopback the FIB picks the next hop; for an interface it does not know it cannot, and
  // the frame goes on to the userspace relay as it came.
  const turn::ClientTuple remote{turn::Transport::Udp, *Endpoint::parse("10.77.9.2:40000"),
                                 *Endpoint::parse("10.77.9.1:3478"), 0};
  const turn::ChannelRoute r{0x4001, *Endpoint::parse("10.77.9.3:6000"),
                             *Endpoint::parse("10.77.9.1:50000"), Clock::now() + Seconds{60}};
  fp_->set_routes(remote, std::span<const turn::ChannelRoute>(&r, 1));
  const auto f = frame(remote.client, remote.server, channel_data(0x4001, "hello"));
  const auto run = fp_->run_program(f, 999999);
  EXPECT_EQ(run.action, kOk);
  EXPECT_EQ(run.frame, f);
  EXPECT_EQ(fp_->counters().declined, 1U);
  EXPECT_EQ(fp_->counters().routes, 2U);
}

TEST_F(FastPathProgram, Ipv6BothWaysWithTheUdpChecksumKeptRight) {
  const turn::ChannelRoute r{0x4005, kPeer6, kRelay6, Clock::now() + Seconds{60}};
  fp_->set_routes(kClient6, std::span<const turn::ChannelRoute>(&r, 1));
  EXPECT_EQ(fp_->counters().routes, 2U);
  // Odd lengths, so that the checksum update must get byte positions right.
  auto run = fp_->run_program(
      frame6(kClient6.client, kClient6.server, channel_data(0x4005, "hello world")), kLoopback);
  EXPECT_EQ(run.action, kOk);
  expect_datagram6(run.frame, kRelay6, kPeer6, bytes("hello world"));
  run = fp_->run_program(frame6(kClient6.client, kClient6.server, channel_data(0x4005, "hello", 3)),
                         kLoopback);
  EXPECT_EQ(run.action, kOk);
  expect_datagram6(run.frame, kRelay6, kPeer6, bytes("hello"));
  run = fp_->run_program(frame6(kPeer6, kRelay6, bytes("odd!!")), kLoopback);
  EXPECT_EQ(run.action, kOk);
  expect_datagram6(run.frame, kClient6.server, kClient6.client, channel_data(0x4005, "odd!!"));
  EXPECT_EQ(fp_->counters().to_peer_packets, 2U);
  EXPECT_EQ(fp_->counters().to_client_packets, 1U);

  auto nonzero_pad = channel_data(0x4005, "hello", 3);
  nonzero_pad.back() = 1;
  const auto padded = frame6(kClient6.client, kClient6.server, nonzero_pad);
  expect_untouched(padded, "padding that is not zero");
  auto no_checksum = frame6(kPeer6, kRelay6, bytes("x"));
  no_checksum[60] = no_checksum[61] = 0;
  expect_untouched(no_checksum, "an IPv6 UDP datagram without checksum");
  auto extension = frame6(kPeer6, kRelay6, bytes("x"));
  extension[14 + 6] = 0;  // next header: hop-by-hop options
  expect_untouched(extension, "an extension header");
  // Client and peer of two families stay in userspace.
  const turn::ChannelRoute mixed{0x4006, kPeer, kRelay6, Clock::now() + Seconds{60}};
  fp_->set_routes(kClient6, std::span<const turn::ChannelRoute>(&mixed, 1));
  EXPECT_EQ(fp_->counters().routes, 1U) << "only the IPv4 route of SetUp is left";
  EXPECT_EQ(fp_->counters().mixed_family_routes, 1U);
  fp_->set_routes(kClient6, {});
  EXPECT_EQ(fp_->counters().mixed_family_routes, 0U) << "gone with its allocation";
}

TEST_F(FastPathProgram, EachRouteCountsWhatItRelayedForItsAllocation) {
  const auto to_peer = static_cast<size_t>(turn::Direction::ToPeer);
  const auto to_client = static_cast<size_t>(turn::Direction::ToClient);
  const auto cd = frame(kClient.client, kClient.server, channel_data(0x4001, "hello"));
  ASSERT_NE(fp_->run_program(cd, kLoopback).frame, cd);
  ASSERT_NE(fp_->run_program(cd, kLoopback).frame, cd);
  ASSERT_EQ(fp_->run_program(frame(kPeer, kRelay, bytes("world!")), kLoopback).action, kOk);
  turn::KernelRelayed k = fp_->relayed(kClient);
  EXPECT_EQ(k.packets[to_peer], 2U);
  EXPECT_EQ(k.bytes[to_peer], 10U);
  EXPECT_EQ(k.packets[to_client], 1U);
  EXPECT_EQ(k.bytes[to_client], 6U);
  EXPECT_EQ(fp_->relayed(kClient6), turn::KernelRelayed{}) << "another allocation";

  // A refresh rewrites the route: what it relayed is handed back, and its count starts anew.
  const turn::ChannelRoute r{0x4001, kPeer, kRelay, Clock::now() + Seconds{120}};
  const turn::KernelRelayed given = fp_->set_routes(kClient, std::span(&r, 1));
  EXPECT_EQ(given, k);
  EXPECT_EQ(fp_->relayed(kClient), turn::KernelRelayed{});
  ASSERT_NE(fp_->run_program(cd, kLoopback).frame, cd);

  // Withdrawn: the rest is handed back.
  k = fp_->set_routes(kClient, {});
  EXPECT_EQ(k.packets[to_peer], 1U);
  EXPECT_EQ(k.bytes[to_peer], 5U);
  EXPECT_EQ(k.packets[to_client], 0U);
  EXPECT_EQ(fp_->relayed(kClient), turn::KernelRelayed{});
}

// Google Benchmark suite for the pure layers (issue 7 item 5): STUN parsing, the integrity
// check, ChannelData classification, and the TURN core's relay path (channel lookup and the
// permission check) with sockets replaced by a counting Io. Regressions show here without
// sockets: `build/avedge_microbench` (Release).
#include <benchmark/benchmark.h>

#include <array>
#include <memory>
#include <vector>

#include "auth/credentials.hpp"
#include "auth/nonce.hpp"
#include "bench/turn_handshake.hpp"
#include "core/crypto.hpp"
#include "turn/server.hpp"
#include "wire/channel_data.hpp"
#include "wire/stun_builder.hpp"

namespace {

using namespace avedge;

std::vector<uint8_t> signed_allocate(const auth::LongTermKey& key) {
  std::vector<uint8_t> buf(512);
  stun::TransactionId tid{};
  crypto::random_bytes(tid);
  stun::Builder b(buf, stun::method::Allocate, stun::Class::Request, tid);
  b.add_requested_transport(17);
  b.add_string(stun::attr::Username, "alice");
  b.add_string(stun::attr::Realm, "bench.test");
  b.add_string(stun::attr::Nonce, "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA");
  b.add_message_integrity(key.md5);
  b.add_fingerprint();
  buf.resize(b.size());
  return buf;
}

void BM_StunParse(benchmark::State& state) {
  const auto key = auth::make_long_term_key("alice", "bench.test", "secret");
  const auto msg = signed_allocate(key);
  for (auto _ : state) {
    stun::Message m;
    benchmark::DoNotOptimize(stun::parse(msg, m));
    benchmark::DoNotOptimize(m.attr_count);
  }
}
BENCHMARK(BM_StunParse);

void BM_MessageIntegrityCheck(benchmark::State& state) {
  const auto key = auth::make_long_term_key("alice", "bench.test", "secret");
  const auto msg = signed_allocate(key);
  stun::Message m;
  stun::parse(msg, m);
  for (auto _ : state) benchmark::DoNotOptimize(stun::verify_message_integrity(m, key.md5));
}
BENCHMARK(BM_MessageIntegrityCheck);

void BM_ChannelDataClassifyAndParse(benchmark::State& state) {
  std::vector<uint8_t> payload(160, 0x5a);
  std::vector<uint8_t> frame(4 + payload.size());
  wire::encode_channel_data(frame, 0x4000, payload, false);
  for (auto _ : state) {
    wire::ChannelData cd;
    const bool ok =
        wire::classify(frame[0]) == wire::Kind::ChannelData && wire::parse_channel_data(frame, cd);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(cd.data.data());
  }
}
BENCHMARK(BM_ChannelDataClassifyAndParse);

// An Io that only counts: the core's cost without the kernel's.
class CountingIo : public turn::Io {
 public:
  uint64_t to_client = 0;
  uint64_t to_peer = 0;
  uint16_t next_port = 40000;
  void send_to_client(const turn::ClientTuple&, std::span<const uint8_t> b) override {
    to_client += b.size();
    last_reply.assign(b.begin(), b.end());
  }
  void send_from_relay(uint32_t, const Endpoint&, std::span<const uint8_t> b, bool) override {
    to_peer += b.size();
  }
  std::optional<Endpoint> open_relay(uint32_t, Family, const turn::RelayPortRequest&) override {
    return Endpoint{*IpAddress::parse("192.0.2.100"), next_port++};
  }
  void close_relay(uint32_t) override {}
  void event(const turn::EventInfo&) override {}
  std::vector<uint8_t> last_reply;
};

// One server with `allocations` allocations, each with a channel to its own peer.
struct RelayFixture {
  std::shared_ptr<auth::CredentialStore> creds =
      std::make_shared<auth::CredentialStore>("bench.test");
  std::shared_ptr<auth::NonceService> nonces;
  std::shared_ptr<turn::PeerPolicy> policy = std::make_shared<turn::PeerPolicy>(true);
  std::shared_ptr<turn::QuotaTracker> quota =
      std::make_shared<turn::QuotaTracker>(100000, 100000, 100000);
  CountingIo io;
  std::unique_ptr<turn::Server> server;
  turn::Now now{TimePoint{} + Seconds{1000}, 1'700'000'000};
  std::vector<turn::ClientTuple> tuples;
  std::vector<Endpoint> peers;
  std::vector<Endpoint> relays;

  explicit RelayFixture(int allocations) {
    creds->add_static_user("alice", "secret");
    std::array<uint8_t, 32> k{};
    k.fill(3);
    turn::ServerConfig cfg;
    cfg.realm = "bench.test";
    nonces = std::make_shared<auth::NonceService>(k, cfg.nonce_lifetime, false);
    server = std::make_unique<turn::Server>(cfg, creds, nonces, policy, quota, io);
    for (int i = 0; i < allocations; ++i) {
      const auto hi = static_cast<uint16_t>(10000 + i);
      turn::ClientTuple t{turn::Transport::Udp, Endpoint{*IpAddress::parse("198.18.0.1"), hi},
                          *Endpoint::parse("192.0.2.1:3478"), 0};
      const Endpoint peer{*IpAddress::parse("93.184.216.34"), hi};
      bench::TurnHandshake hs("alice", "secret", peer, 0x4000);
      std::span<const uint8_t> req = hs.start();
      while (!req.empty()) {
        server->on_client_packet(t, req, now);
        req = hs.on_message(io.last_reply);
      }
      if (hs.state() != bench::TurnHandshake::State::Ready) std::abort();
      tuples.push_back(t);
      peers.push_back(peer);
      relays.push_back(hs.relay());
    }
  }
};

void BM_RelayChannelDataToPeer(benchmark::State& state) {
  RelayFixture f(static_cast<int>(state.range(0)));
  std::vector<uint8_t> payload(160, 0x5a);
  std::vector<uint8_t> frame(4 + payload.size());
  wire::encode_channel_data(frame, 0x4000, payload, false);
  size_t i = 0;
  for (auto _ : state) {
    f.server->on_client_packet(f.tuples[i], frame, f.now);
    if (++i == f.tuples.size()) i = 0;
  }
  if (f.io.to_peer == 0) state.SkipWithError("nothing relayed");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RelayChannelDataToPeer)->Arg(1)->Arg(100)->Arg(10000);

void BM_RelayPeerToClient(benchmark::State& state) {
  RelayFixture f(static_cast<int>(state.range(0)));
  std::vector<uint8_t> payload(160, 0x5a);
  // Relay ids are assigned in order from 0 (relay_id_base 0), one per allocation.
  size_t i = 0;
  for (auto _ : state) {
    f.server->on_peer_packet(static_cast<uint32_t>(i), f.peers[i], payload, f.now);
    if (++i == f.tuples.size()) i = 0;
  }
  if (f.io.to_client == 0) state.SkipWithError("nothing relayed");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RelayPeerToClient)->Arg(1)->Arg(100)->Arg(10000);

}  // namespace

BENCHMARK_MAIN();

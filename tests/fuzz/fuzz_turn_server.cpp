// libFuzzer target: arbitrary bytes from clients and peers into a turn::Server that already has
// an allocation with a permission and a channel, so deep paths (auth, ChannelData, Send, Data)
// are reached. Every answer the server sends must parse as STUN or ChannelData.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "../unit/turn/turn_test_support.hpp"
#include "wire/channel_data.hpp"

using namespace avedge;
using namespace avedge::turn;
using namespace avedge::turn::testing;

namespace {

void check_outputs(const FakeIo& io) {
  for (const auto& s : io.to_client) {
    if (s.bytes.empty()) std::abort();
    if (wire::classify(s.bytes[0]) == wire::Kind::ChannelData) {
      wire::ChannelData cd;
      if (!wire::parse_channel_data(s.bytes, cd)) std::abort();
      continue;
    }
    stun::Message m;
    if (stun::parse(s.bytes, m) != stun::ParseError::None) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Harness* h = [] {
    auto* x = new Harness();
    auto p = std::make_shared<PeerPolicy>(true);
    p->allow(*Cidr::parse("8.8.8.0/24"));
    x->server->set_policy(p);
    return x;
  }();
  static Client* c = [] {
    auto* x = new Client(*h, udp_tuple());
    x->allocate();
    x->create_permission(*Endpoint::parse("8.8.8.8:5000"));
    x->channel_bind(0x4001, *Endpoint::parse("8.8.8.8:5000"));
    return x;
  }();
  if (size < 1) return 0;
  if (h->server->allocation_count() == 0) {  // a fuzzed Refresh 0 may have deleted it
    c->allocate();
    c->create_permission(*Endpoint::parse("8.8.8.8:5000"));
    c->channel_bind(0x4001, *Endpoint::parse("8.8.8.8:5000"));
  }
  const uint8_t selector = data[0];
  std::span<const uint8_t> body(data + 1, size - 1);
  h->io.to_client.clear();
  h->io.to_peer.clear();
  switch (selector % 4) {
    case 0:  // from the client that owns the allocation
      h->server->on_client_packet(c->tuple, body, h->now);
      break;
    case 1: {  // from a stranger over TCP
      ClientTuple t = udp_tuple("203.0.113.9:9999");
      t.transport = Transport::Tcp;
      t.conn_id = selector;
      h->server->on_client_packet(t, body, h->now);
      break;
    }
    case 2:  // from a peer on every relay socket
      for (const auto& [id, ep] : h->io.open) {
        h->server->on_peer_packet(id, *Endpoint::parse("8.8.8.8:5000"), body, h->now);
      }
      break;
    default:  // a signed request from the owner with fuzzed attributes
      h->server->on_client_packet(
          c->tuple,
          c->request(
              static_cast<uint16_t>(selector >> 2),
              [&](stun::Builder& b) { b.add(static_cast<uint16_t>(selector << 4), body); },
              new_tid()),
          h->now);
      break;
  }
  check_outputs(h->io);
  return 0;
}

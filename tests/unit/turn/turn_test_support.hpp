// A fake Io and a small TURN client for driving turn::Server in unit tests.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/credentials.hpp"
#include "auth/nonce.hpp"
#include "core/crypto.hpp"
#include "turn/reservations.hpp"
#include "turn/server.hpp"
#include "wire/stun_builder.hpp"
#include "wire/stun_message.hpp"

namespace avedge::turn::testing {

struct Sent {
  ClientTuple to;
  std::vector<uint8_t> bytes;
};
struct RelaySent {
  uint32_t relay_id;
  Endpoint peer;
  std::vector<uint8_t> bytes;
  bool dont_fragment;
};

class FakeIo : public Io {
 public:
  std::vector<Sent> to_client;
  std::vector<RelaySent> to_peer;
  std::map<uint32_t, Endpoint> open;
  std::vector<EventInfo> events_seen;
  std::vector<Event> events;
  uint16_t next_port = 50000;
  bool refuse_relays = false;
  bool v6_available = false;

  void send_to_client(const ClientTuple& to, std::span<const uint8_t> b) override {
    to_client.push_back({to, {b.begin(), b.end()}});
  }
  void send_from_relay(uint32_t id, const Endpoint& peer, std::span<const uint8_t> b,
                       bool df) override {
    to_peer.push_back({id, peer, {b.begin(), b.end()}, df});
  }
  std::vector<RelayPortRequest> requests;
  std::optional<Endpoint> open_relay(uint32_t id, Family f, const RelayPortRequest& req) override {
    requests.push_back(req);
    if (refuse_relays) return std::nullopt;
    if (f == Family::V6 && !v6_available) return std::nullopt;
    uint16_t port = 0;
    if (req.kind == RelayPortRequest::Kind::Exact) {
      port = req.port;
    } else {
      if (req.kind != RelayPortRequest::Kind::Any && next_port % 2 != 0) ++next_port;
      port = next_port;
      next_port =
          static_cast<uint16_t>(next_port + (req.kind == RelayPortRequest::Kind::EvenPair ? 2 : 1));
    }
    Endpoint e{
        f == Family::V4 ? *IpAddress::parse("192.0.2.100") : *IpAddress::parse("2001:db8::100"),
        port};
    open[id] = e;
    return e;
  }
  void close_relay(uint32_t id) override { open.erase(id); }
  std::vector<std::string> details;  // EventInfo::detail, copied (it is a view)
  void event(const EventInfo& info) override {
    events.push_back(info.event);
    details.emplace_back(info.detail);
  }

  // A fast path's view (Io::channel_routes_changed) when wants_routes is set.
  bool wants_routes = false;
  size_t route_updates = 0;
  std::unordered_map<ClientTuple, std::vector<ChannelRoute>, ClientTupleHash> routes;
  [[nodiscard]] bool wants_channel_routes() const override { return wants_routes; }
  KernelRelayed kernel_relayed;  // what each route change reports the kernel relayed
  KernelRelayed channel_routes_changed(const ClientTuple& t,
                                       std::span<const ChannelRoute> r) override {
    ++route_updates;
    routes[t].assign(r.begin(), r.end());
    return kernel_relayed;
  }

  bool saw(Event e) const {
    for (auto x : events) {
      if (x == e) return true;
    }
    return false;
  }
};

// Holds a parsed copy of a response (stun::Message points into its bytes).
struct Response {
  std::vector<uint8_t> bytes;
  stun::Message msg;
  bool parsed = false;
};

inline std::unique_ptr<Response> parse_response(const std::vector<uint8_t>& b) {
  auto r = std::make_unique<Response>();
  r->bytes = b;
  r->parsed = stun::parse(r->bytes, r->msg) == stun::ParseError::None;
  return r;
}

inline uint16_t error_code_of(const Response& r) {
  const auto* a = r.msg.find(stun::attr::ErrorCode);
  if (a == nullptr) return 0;
  auto e = stun::decode_error_code(*a);
  return e ? e->code : 0;
}

inline stun::TransactionId new_tid() {
  stun::TransactionId t{};
  crypto::random_bytes(t);
  return t;
}

// One server with one fake world, and a client that speaks the long-term mechanism.
class Harness {
 public:
  static constexpr const char* kRealm = "avedge.test";
  std::shared_ptr<auth::CredentialStore> creds;
  std::shared_ptr<auth::NonceService> nonces;
  std::shared_ptr<PeerPolicy> policy;
  std::shared_ptr<QuotaTracker> quota;
  FakeIo io;
  ServerConfig cfg;
  std::unique_ptr<Server> server;
  Now now{TimePoint{} + Seconds{1000}, 1'700'000'000};

  explicit Harness(ServerConfig c = {}, size_t total = 100, size_t per_user = 10,
                   size_t per_ip = 20)
      : cfg(std::move(c)) {
    cfg.realm = kRealm;
    creds = std::make_shared<auth::CredentialStore>(kRealm);
    creds->add_static_user("alice", "secret");
    creds->add_static_user("bob", "hunter2");
    std::array<uint8_t, 32> key{};
    key.fill(7);
    nonces = std::make_shared<auth::NonceService>(key, cfg.nonce_lifetime, false);
    policy = std::make_shared<PeerPolicy>(true);
    policy->add_own_relay_address(*IpAddress::parse("192.0.2.100"));
    quota = std::make_shared<QuotaTracker>(total, per_user, per_ip);
    server = std::make_unique<Server>(cfg, creds, nonces, policy, quota, io);
  }

  void advance(Seconds s) {
    now.mono += s;
    now.unix += s.count();
  }
};

// A client on one 5-tuple with credentials.
class Client {
  Harness& h_;

 public:
  Client(Harness& h, ClientTuple t, std::string user = "alice", std::string pass = "secret")
      : h_(h), tuple(t), user_(std::move(user)), pass_(std::move(pass)) {
    key_ = auth::make_long_term_key(user_, Harness::kRealm, pass_);
  }
  ClientTuple tuple;
  std::string nonce;

  // Sends raw bytes as this client; returns the responses it got (and clears the outbox).
  std::vector<std::unique_ptr<Response>> send(std::span<const uint8_t> bytes) {
    h_.io.to_client.clear();
    h_.server->on_client_packet(tuple, bytes, h_.now);
    std::vector<std::unique_ptr<Response>> out;
    for (auto& s : h_.io.to_client) out.push_back(parse_response(s.bytes));
    return out;
  }

  // Builds a request; `add` adds method attributes; signs with MESSAGE-INTEGRITY when a nonce
  // is known.
  template <typename F>
  std::vector<uint8_t> request(uint16_t method, F&& add, const stun::TransactionId& tid,
                               bool sign = true) {
    std::vector<uint8_t> buf(2048);
    stun::Builder b(buf, method, stun::Class::Request, tid);
    add(b);
    if (sign && !nonce.empty()) {
      b.add_string(stun::attr::Username, user_);
      b.add_string(stun::attr::Realm, Harness::kRealm);
      b.add_string(stun::attr::Nonce, nonce);
      b.add_message_integrity(key_.md5);
    }
    buf.resize(b.size());
    return buf;
  }

  // Sends a request, answering challenges like a real client: a 401 when it had no nonce
  // yet, and a 438 (stale nonce) once.
  template <typename F>
  std::unique_ptr<Response> transact(uint16_t method, F&& add) {
    bool retried_stale = false;
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto req = request(method, add, new_tid());
      auto rs = send(req);
      if (rs.empty()) return nullptr;
      auto r = std::move(rs.front());
      const uint16_t code = error_code_of(*r);
      const auto* n = r->msg.find(stun::attr::Nonce);
      const bool first_challenge = code == 401 && nonce.empty();
      const bool stale = code == 438 && !retried_stale;
      if (n != nullptr && (first_challenge || stale)) {
        retried_stale = retried_stale || stale;
        nonce = std::string(stun::decode_string(*n));
        continue;
      }
      return r;
    }
    return nullptr;
  }

  std::unique_ptr<Response> allocate() {
    return transact(stun::method::Allocate,
                    [](stun::Builder& b) { b.add_requested_transport(stun::kProtoUdp); });
  }
  std::unique_ptr<Response> create_permission(const Endpoint& peer) {
    return transact(stun::method::CreatePermission,
                    [&](stun::Builder& b) { b.add_xor_address(stun::attr::XorPeerAddress, peer); });
  }
  std::unique_ptr<Response> channel_bind(uint16_t ch, const Endpoint& peer) {
    return transact(stun::method::ChannelBind, [&](stun::Builder& b) {
      b.add_channel_number(ch);
      b.add_xor_address(stun::attr::XorPeerAddress, peer);
    });
  }
  std::unique_ptr<Response> refresh(uint32_t lifetime) {
    return transact(stun::method::Refresh,
                    [&](stun::Builder& b) { b.add_u32(stun::attr::Lifetime, lifetime); });
  }
  std::vector<uint8_t> send_indication(const Endpoint& peer, std::span<const uint8_t> data) {
    std::vector<uint8_t> buf(2048);
    stun::Builder b(buf, stun::method::Send, stun::Class::Indication, new_tid());
    b.add_xor_address(stun::attr::XorPeerAddress, peer);
    b.add(stun::attr::Data, data);
    buf.resize(b.size());
    return buf;
  }
  const auth::LongTermKey& key() const { return key_; }

 private:
  std::string user_, pass_;
  auth::LongTermKey key_;
};

inline ClientTuple udp_tuple(const char* client = "198.51.100.7:40000") {
  return ClientTuple{Transport::Udp, *Endpoint::parse(client), *Endpoint::parse("192.0.2.1:3478"),
                     0};
}

}  // namespace avedge::turn::testing

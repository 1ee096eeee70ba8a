// STUN/TURN transactions per 5-tuple rebuilt from a capture: timeline, summary per flow, every
// error response explained and every request left unanswered (RFC 8489 §6.3, RFC 8656).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include "diag/analyze.hpp"
#include "diag/analyze_explain.hpp"
#include "wire/channel_data.hpp"
#include "wire/stun_message.hpp"

namespace avedge::diag {

namespace {

namespace m = stun::method;
namespace a = stun::attr;

// Ports a TURN server listens on: used to tell client from server when no request shows it.
bool server_port(uint16_t p) {
  return p == 3478 || p == 5349 || p == 443;
}

std::string hex(std::span<const uint8_t> b) {
  std::string s;
  for (uint8_t x : b) s += fmt::format("{:02x}", x);
  return s;
}

const char* class_name(stun::Class c) {
  switch (c) {
    case stun::Class::Request:
      return "request";
    case stun::Class::Indication:
      return "indication";
    case stun::Class::Success:
      return "success";
    case stun::Class::Error:
      return "error";
  }
  return "";
}

struct Txn {
  size_t flow = 0;
  uint16_t method = 0;
  double time = 0;
  size_t entry = 0;  // timeline index of the request
  bool integrity = false;
  bool answered = false;
  std::string username, peer;
  bool challenged = false;  // answered by a 401 challenge
  bool stale = false;       // answered by 438 Stale Nonce
  bool succeeded = false;
};

class Analyzer {
 public:
  Analyzer(const Capture& cap, FileReport& out) : cap_(cap), out_(out) {}

  void unit(const Unit& u) {
    if (u.proto == Proto::Udp && relayed_datagram(u)) return;
    const wire::Kind kind = wire::classify(u.bytes[0]);
    if (kind == wire::Kind::ChannelData) return channel_data(u);
    if (kind == wire::Kind::Other || !stun::looks_like_stun(u.bytes)) {
      ++out_.other_udp;
      return;
    }
    stun::Message msg;
    const stun::ParseError pe = stun::parse(u.bytes, msg);
    if (pe != stun::ParseError::None) {
      if (!u.truncated) {
        add({Severity::Warning, "ANA-STUN-001", where(u.proto, u.src, u.dst, u.time),
             fmt::format("malformed STUN message ({})", stun::to_string(pe)),
             "the sender's STUN implementation; the edge drops such messages"});
      }
      return;
    }
    const bool from_client = msg.cls == stun::Class::Request ||
                             (msg.cls == stun::Class::Indication && msg.method != m::Data);
    const size_t fi = from_client ? flow(u.proto, u.src, u.dst) : flow(u.proto, u.dst, u.src);
    FlowSummary& f = out_.flows[fi];
    TimelineEntry e{u.time,
                    u.proto,
                    u.src,
                    u.dst,
                    fmt::format("{} {}", method_name(msg.method), class_name(msg.cls)),
                    hex(std::span(msg.tid).first(4)),
                    {},
                    ""};
    std::string username, peer;
    uint16_t code = 0;
    std::string reason;
    for (const stun::Attribute& at : msg.attributes()) {
      attribute(msg, at, e, f, username, peer, code, reason);
    }
    const std::string tid = hex(msg.tid);
    switch (msg.cls) {
      case stun::Class::Indication:
        if (msg.method == m::Data) ++f.data_indications;
        if (msg.method == m::Send) ++f.send_indications;
        return;  // counted, not in the timeline: one per relayed packet (or a keepalive)
      case stun::Class::Request:
        request(msg, tid, fi, u.time, username, peer, e);
        break;
      case stun::Class::Success:
      case stun::Class::Error:
        response(msg, tid, fi, u.time, code, reason, e);
        break;
    }
    out_.timeline.push_back(std::move(e));
  }

  void finish() {
    for (const auto& [tid, t] : txns_) {
      if (t.answered) continue;
      FlowSummary& f = out_.flows[t.flow];
      ++f.unanswered;
      out_.timeline[t.entry].note = "no answer";
      unanswered(t, f);
    }
    challenges_without_credentials();
    stale_nonces_without_success();
  }

 private:
  size_t flow(Proto p, const Endpoint& client, const Endpoint& server) {
    auto [it, fresh] = flows_.emplace(flow_key(p, client, server), out_.flows.size());
    if (fresh) out_.flows.push_back(FlowSummary{p, client, server});
    return it->second;
  }

  static std::string flow_key(Proto p, const Endpoint& client, const Endpoint& server) {
    return fmt::format("{} {} {}", to_string(p), client.to_string(), server.to_string());
  }

  // Media between a relayed address (XOR-RELAYED-ADDRESS of an Allocate) and its peers.
  // Between two relayed addresses (client to client) it counts for both.
  bool relayed_datagram(const Unit& u) {
    const auto from = relays_.find(u.src.to_string());
    const auto to = relays_.find(u.dst.to_string());
    if (from != relays_.end()) ++out_.flows[from->second].relay_to_peer;
    if (to != relays_.end()) ++out_.flows[to->second].peer_to_relay;
    return from != relays_.end() || to != relays_.end();
  }

  void channel_data(const Unit& u) {
    // Client to server when a flow already names src as client, or dst is a TURN port; a
    // datagram on no known flow and no TURN port is not taken for ChannelData.
    const bool to_server = flows_.count(flow_key(u.proto, u.src, u.dst)) > 0 ||
                           (server_port(u.dst.port) && !server_port(u.src.port));
    const bool to_client =
        flows_.count(flow_key(u.proto, u.dst, u.src)) > 0 || server_port(u.src.port);
    if (!to_server && !to_client) {
      ++out_.other_udp;
      return;
    }
    FlowSummary& f =
        out_.flows[to_server ? flow(u.proto, u.src, u.dst) : flow(u.proto, u.dst, u.src)];
    ++(to_server ? f.channel_data_to_server : f.channel_data_to_client);
  }

  static void add_unique(std::vector<std::string>& v, const std::string& s) {
    if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
  }

  void attribute(const stun::Message& msg, const stun::Attribute& at, TimelineEntry& e,
                 FlowSummary& f, std::string& username, std::string& peer, uint16_t& code,
                 std::string& reason) {
    auto xaddr = [&]() {
      auto ep = stun::decode_xor_address(at, msg.tid);
      return ep ? ep->to_string() : std::string("(malformed)");
    };
    switch (at.type) {
      case a::ErrorCode:
        if (auto ec = stun::decode_error_code(at)) {
          code = ec->code;
          reason = std::string(ec->reason.empty() ? stun::error::default_reason(code) : ec->reason);
          e.attrs.emplace_back("error", fmt::format("{} {}", code, reason));
        }
        break;
      case a::Username:
        username = std::string(stun::decode_string(at));
        e.attrs.emplace_back("username", username);
        add_unique(f.usernames, username);
        if (auto u = describe_username(username, e.time); u.kind != UsernameInfo::Kind::Static) {
          e.attrs.emplace_back("credential", u.summary);
        }
        break;
      case a::XorRelayedAddress:
        e.attrs.emplace_back("relayed", xaddr());
        break;
      case a::XorMappedAddress:
        e.attrs.emplace_back("mapped", xaddr());
        if (msg.cls == stun::Class::Success) add_unique(f.mapped, e.attrs.back().second);
        break;
      case a::XorPeerAddress:
        peer = xaddr();
        e.attrs.emplace_back("peer", peer);
        break;
      case a::Lifetime:
        if (auto l = stun::decode_u32(at)) e.attrs.emplace_back("lifetime", std::to_string(*l));
        break;
      case a::ChannelNumber:
        if (auto c = stun::decode_channel_number(at)) {
          e.attrs.emplace_back("channel", fmt::format("0x{:04x}", *c));
        }
        break;
      default:
        break;
    }
  }

  void request(const stun::Message& msg, const std::string& tid, size_t fi, double t,
               const std::string& username, const std::string& peer, TimelineEntry& e) {
    FlowSummary& f = out_.flows[fi];
    auto it = txns_.find(tid);
    if (it != txns_.end()) {  // RFC 8489 §6.2.1: same transaction id = retransmission
      ++f.retransmissions;
      e.note = "retransmission";
      return;
    }
    ++f.requests;
    const bool mi = msg.message_integrity != nullptr || msg.message_integrity_sha256 != nullptr;
    txns_.emplace(tid, Txn{fi, msg.method, t, out_.timeline.size(), mi, false, username, peer});
  }

  void response(const stun::Message& msg, const std::string& tid, size_t fi, double t,
                uint16_t code, const std::string& reason, TimelineEntry& e) {
    FlowSummary& f = out_.flows[fi];
    auto it = txns_.find(tid);
    if (it == txns_.end()) {
      e.note = "request not in the capture";
      return;
    }
    Txn& txn = it->second;
    if (txn.answered) {
      e.note = "duplicate response";
      return;
    }
    txn.answered = true;
    if (msg.cls == stun::Class::Success) {
      txn.succeeded = true;
      ++f.successes;
      success(msg.method, f, e);
      if (msg.method == m::Allocate) {
        for (const std::string& r : f.relayed) relays_.emplace(r, fi);
      }
      return;
    }
    ++f.errors;
    const Explanation x =
        explain_error({txn.method, code, reason, txn.integrity, txn.username, txn.peer, t});
    if (code == stun::error::StaleNonce) {  // RFC 8489 §9.2.4: normal if the retry succeeds
      e.note = "stale nonce";
      txn.stale = true;
      return;
    }
    if (x.normal) {
      e.note = "challenge (normal)";
      txn.challenged = true;
      return;
    }
    e.note = x.id;
    add({x.severity, x.id, where(f.proto, f.client, f.server, t), x.message, x.check});
  }

  static void success(uint16_t method, FlowSummary& f, const TimelineEntry& e) {
    switch (method) {
      case m::Allocate:
        ++f.allocations;
        for (const auto& [k, v] : e.attrs) {
          if (k == "relayed") f.relayed.push_back(v);
        }
        break;
      case m::CreatePermission:
        ++f.permissions;
        break;
      case m::ChannelBind:
        ++f.channel_binds;
        break;
      case m::Refresh:
        ++f.refreshes;
        break;
      default:
        break;
    }
  }

  void unanswered(const Txn& t, const FlowSummary& f) {
    const std::string what =
        fmt::format("{} request to {} over {} got no answer", method_name(t.method),
                    f.server.to_string(), to_string(f.proto));
    const bool icmp =
        std::any_of(cap_.unreachables.begin(), cap_.unreachables.end(), [&](const Unreachable& u) {
          return f.proto == Proto::Udp && u.src == f.client && u.dst == f.server;
        });
    const double left = out_.end - t.time;
    if (icmp) {
      add({Severity::Error, "ANA-NOANSWER-002", where(f.proto, f.client, f.server, t.time),
           what + ": ICMP port unreachable came back, nothing listens on " + f.server.to_string(),
           "that the edge runs and listens on this address and port ([edge] listen), and that "
           "the client uses the right port"});
    } else if (left < 1.0) {
      add({Severity::Warning, "ANA-NOANSWER-003", where(f.proto, f.client, f.server, t.time),
           fmt::format("{}, but the capture ends {:.0f} ms later", what, left * 1000),
           "capture longer to tell a lost answer from a late one"});
    } else {
      add({Severity::Error, "ANA-NOANSWER-001", where(f.proto, f.client, f.server, t.time), what,
           "the path to the edge (UDP 3478 / TCP 443 blocked by a firewall?), that the edge "
           "runs, and the address the client was given (DNS of the pool's public_fqdn)"});
    }
  }

  // Whether a transaction on t's 5-tuple, not before t, satisfies pred.
  template <typename Pred>
  bool later_on_flow(const Txn& t, Pred pred) {
    if (by_flow_.empty()) {  // index once: captures hold many transactions
      by_flow_.resize(out_.flows.size());
      for (const auto& kv : txns_) by_flow_[kv.second.flow].push_back(&kv.second);
    }
    const auto& list = by_flow_[t.flow];
    return std::any_of(list.begin(), list.end(),
                       [&](const Txn* x) { return x->time >= t.time && pred(*x); });
  }

  // A 401 challenge the client never followed with credentials on that 5-tuple: it has none.
  void challenges_without_credentials() {
    for (const auto& entry : txns_) {  // (clang 14: no structured binding in lambdas)
      const Txn& t = entry.second;
      if (!t.challenged) continue;
      const bool followed = later_on_flow(t, [](const Txn& x) { return x.integrity; });
      if (followed || out_.end - t.time < 1.0) continue;  // or the capture ends right after
      const FlowSummary& f = out_.flows[t.flow];
      add({Severity::Error, "ANA-AUTH-001", where(f.proto, f.client, f.server, t.time),
           fmt::format("{} was challenged (401) but the client never sent credentials: it has "
                       "no TURN credentials",
                       method_name(t.method)),
           "how the client gets credentials: MRAS (the front end in [[edge_pool]] "
           "authorized_internal_servers, the user's pool) or the application's iceServers"});
    }
  }

  // A 438 is a finding only when no later request of that method on the 5-tuple succeeded.
  void stale_nonces_without_success() {
    for (const auto& entry : txns_) {  // (clang 14: no structured binding in lambdas)
      const Txn& t = entry.second;
      if (!t.stale) continue;
      if (later_on_flow(t, [&](const Txn& x) { return x.method == t.method && x.succeeded; })) {
        continue;
      }
      const FlowSummary& f = out_.flows[t.flow];
      const Explanation x = explain_error({t.method, stun::error::StaleNonce, "Stale Nonce",
                                           t.integrity, t.username, t.peer, t.time});
      add({x.severity, x.id, where(f.proto, f.client, f.server, t.time), x.message, x.check});
    }
  }

  void add(AnalyzeFinding f) {
    // Identical findings on one 5-tuple are counted once (where without its time).
    const std::string key = f.id + "|" + f.where.substr(0, f.where.rfind(" at ")) + "|" + f.message;
    auto [it, fresh] = finding_index_.emplace(key, out_.findings.size());
    if (!fresh) {
      ++out_.findings[it->second].count;
      return;
    }
    out_.findings.push_back(std::move(f));
  }

  static std::string where(Proto p, const Endpoint& src, const Endpoint& dst, double t) {
    return fmt::format("{} {} -> {} at {}", to_string(p), src.to_string(), dst.to_string(),
                       clock_time(t));
  }

  const Capture& cap_;
  FileReport& out_;
  std::map<std::string, size_t> flows_;
  std::map<std::string, Txn> txns_;
  std::map<std::string, size_t> relays_;          // relayed address -> flow
  std::map<std::string, size_t> finding_index_;   // id|flow|message -> index in findings
  std::vector<std::vector<const Txn*>> by_flow_;  // transactions per flow, built by finish()
};

}  // namespace

void analyze_units(const Capture& cap, const Units& units, FileReport& out) {
  out.frames = cap.frames;
  if (!cap.segments.empty()) {
    out.start = cap.segments.front().time;
    out.end = cap.segments.back().time;
  }
  Analyzer an(cap, out);
  for (const Unit& u : units.units) {
    if (!u.bytes.empty()) an.unit(u);
  }
  an.finish();
  for (const OpaqueStream& o : units.opaque) {
    out.opaque.push_back(o);
    if (o.kind == Opaque::Tls && server_port(o.src.port)) continue;  // reported with its client
    if (o.kind == Opaque::Tls) {  // one finding per TLS server, counting the connections
      auto same = std::find_if(out.findings.begin(), out.findings.end(), [&](const auto& f) {
        return f.id == "ANA-TLS-001" &&
               f.message.find(o.dst.to_string() + ":") != std::string::npos;
      });
      if (same != out.findings.end()) {
        ++same->count;
        continue;
      }
    }
    const std::string w =
        fmt::format("tcp {} -> {} at {}", o.src.to_string(), o.dst.to_string(), clock_time(o.time));
    switch (o.kind) {
      case Opaque::Tls:
        out.findings.push_back(
            {Severity::Info, "ANA-TLS-001", w,
             fmt::format("TLS on {}: contents encrypted, cannot be analysed; capture on the "
                         "client or use UDP/TCP",
                         o.dst.to_string()),
             "capture on the client (or run the test over UDP/TCP) to see the TURN exchange; "
             "count = TLS connections",
             1});
        break;
      case Opaque::NotStun:
        out.findings.push_back({Severity::Warning, "ANA-TCP-001", w,
                                "TCP stream that is neither STUN nor ChannelData",
                                "whether this port is a TURN listener; a client speaking another "
                                "protocol (HTTP, a proxy?) to the edge",
                                1});
        break;
      case Opaque::Cut:
        out.findings.push_back({Severity::Warning, "ANA-TCP-002", w,
                                "TCP stream with missing or cut segments: analysis stopped there",
                                "capture with a full snaplen (-s 0) and without drops", 1});
        break;
    }
  }
}

}  // namespace avedge::diag

// run_turn: one transport's TURN steps (RFC 8656 §7-§12) against an edge, with an echo peer.
#include <fmt/format.h>

#include <chrono>

#include "probe/echo_peer.hpp"
#include "probe/probe.hpp"
#include "wire/stun_constants.hpp"

namespace avedge::probe {

namespace {

using Clock = std::chrono::steady_clock;
constexpr uint16_t kChannel = 0x4000;  // RFC 8656 §12: the first channel number

class Recorder {
 public:
  Recorder(TurnRun& run, Proto p) : run_(run), prefix_(std::string(name(p)) + "/") {}
  void start() { t0_ = Clock::now(); }
  bool add(const std::string& step, bool pass, std::string detail) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0_);
    run_.steps.push_back({prefix_ + step, pass, ms.count(), std::move(detail)});
    return pass;
  }

 private:
  TurnRun& run_;
  std::string prefix_;
  Clock::time_point t0_ = Clock::now();
};

std::vector<uint8_t> payload(std::string_view text) {
  return {text.begin(), text.end()};
}

// Client → relay → peer, then peer → relay → client. Returns "" or what went wrong.
std::string round_trip(TurnClient& c, EchoPeer& peer, const Endpoint& relayed, bool channel,
                       int timeout_ms) {
  const auto out = payload(channel ? "avedge-probe channel-data" : "avedge-probe send");
  const bool sent =
      channel ? c.send_channel_data(kChannel, out) : c.send_indication(peer.address(), out);
  const char* how = channel ? "ChannelData" : "a Send indication";
  if (!sent) return fmt::format("could not send {}", how);
  auto got = peer.receive(timeout_ms);
  if (!got || got->second != out) {
    return fmt::format("{} to {}: nothing reached the peer in {} ms (the edge dropped it)", how,
                       peer.address().to_string(), timeout_ms);
  }
  const auto back = payload("avedge-probe echo");
  peer.send_to(got->first, back);
  auto in = c.receive_data(timeout_ms);
  if (!in || in->data != back || in->via_channel != channel) {
    return fmt::format(
        "the peer's reply to {} did not come back as {} in {} ms (from {}: the edge dropped it)",
        got->first.to_string(), channel ? "ChannelData" : "a Data indication", timeout_ms,
        got->first == relayed ? "the relayed address" : "another address");
  }
  return {};
}

}  // namespace

TurnRun run_turn(const TurnTarget& t, const AuthContext& ctx) {
  TurnRun run;
  Recorder rec(run, t.proto);
  std::string err;
  TlsOptions tls = t.tls;
  tls.server_name = t.host;
  rec.start();
  auto c = TurnClient::open(t.proto, t.server, tls, t.timeout_ms, err);
  if (!c) {
    // A refused connect is an answer (RST): nothing listens. Silence is a dropping firewall.
    std::string why;
    if (err.find("refused") != std::string::npos) {
      why = ": nothing listens there, or a firewall rejects it";
    } else if (err.find("no answer") != std::string::npos) {
      why = fmt::format(" in {} ms: {} is blocked on the path, or the host is down", t.timeout_ms,
                        upper_name(t.proto));
    }
    rec.add("connect", false,
            fmt::format("{} connect to {} failed: {}{}", upper_name(t.proto), t.server.to_string(),
                        err, why));
    return run;
  }
  if (t.proto != Proto::Udp) {
    rec.add("connect", true,
            fmt::format("{} {} -> {}{}", upper_name(t.proto), c->local().to_string(),
                        t.server.to_string(),
                        t.proto == Proto::Tls ? ", " + describe_trust(tls) : std::string()));
  }
  // RFC 8489 §3: a Binding request returns the server-reflexive address.
  rec.start();
  StunResult r = c->binding();
  if (r.status == StunResult::Status::Timeout) {
    run.no_answer = true;
    rec.add("binding", false, explain_no_answer(t.proto, t.server, t.timeout_ms, ""));
    return run;
  }
  if (!rec.add("binding", r.ok() && r.mapped.has_value(),
               r.ok() && r.mapped ? "server-reflexive " + r.mapped->to_string()
                                  : explain_result(r, "Binding", t.timeout_ms))) {
    return run;
  }
  run.answered = true;
  c->set_credentials(t.username, t.password);
  rec.start();
  r = c->allocate();
  const StunResult& ch = c->challenge();
  if (!r.ok() || !r.relayed) {
    std::string why = r.status == StunResult::Status::Error
                          ? explain_allocate(r, ctx)
                          : explain_result(r, "Allocate", t.timeout_ms);
    rec.add("allocate", false, why);
    return run;
  }
  if (ch.ok()) {  // RFC 8656 §7.2: a TURN server authenticates every Allocate
    rec.add("allocate", false, "the edge allocated without a 401 challenge (no authentication)");
    return run;
  }
  rec.add("allocate", true,
          fmt::format("relayed {}, lifetime {} s (after a 401 challenge, realm {})",
                      r.relayed->to_string(), r.lifetime.value_or(0), c->realm()));
  const Endpoint relayed = *r.relayed;
  rec.start();
  EchoPeer peer(t.peer_ip.value_or(c->local().ip), err);
  if (!err.empty()) {
    rec.add("permission", false, err);
  } else {
    r = c->create_permission(peer.address().ip);
    if (rec.add("permission", r.ok(),
                r.ok() ? "permission for peer " + peer.address().ip.to_string()
                       : (r.status == StunResult::Status::Error
                              ? explain_peer_error(r, "CreatePermission", peer.address())
                              : explain_result(r, "CreatePermission", t.timeout_ms)))) {
      rec.start();
      err = round_trip(*c, peer, relayed, false, t.timeout_ms);
      rec.add("send-data", err.empty(),
              err.empty() ? fmt::format("Send indication to {} and Data indication back",
                                        peer.address().to_string())
                          : err);
      rec.start();
      r = c->channel_bind(kChannel, peer.address());
      if (rec.add("channel-bind", r.ok(),
                  r.ok()
                      ? fmt::format("channel 0x{:04X} -> {}", kChannel, peer.address().to_string())
                      : (r.status == StunResult::Status::Error
                             ? explain_peer_error(r, "ChannelBind", peer.address())
                             : explain_result(r, "ChannelBind", t.timeout_ms)))) {
        rec.start();
        err = round_trip(*c, peer, relayed, true, t.timeout_ms);
        rec.add("channel-data", err.empty(),
                err.empty() ? "ChannelData both ways through the relay" : err);
      }
    }
  }
  // RFC 8656 §8: Refresh keeps the allocation; lifetime 0 deletes it.
  rec.start();
  r = c->refresh(600);
  rec.add("refresh", r.ok(),
          r.ok() ? fmt::format("lifetime {} s", r.lifetime.value_or(0))
                 : (r.status == StunResult::Status::Error
                        ? explain_allocate(r, ctx)
                        : explain_result(r, "Refresh", t.timeout_ms)));
  rec.start();
  r = c->refresh(0);
  rec.add("deallocate", r.ok(),
          r.ok() ? std::string("allocation released (Refresh lifetime 0)")
                 : explain_result(r, "Refresh with lifetime 0", t.timeout_ms));
  return run;
}

}  // namespace avedge::probe

// Transactions rebuilt from synthetic UDP datagrams: 438 Stale Nonce with and without a
// successful retry, retransmissions, and a challenge never followed by credentials.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "diag/analyze.hpp"
#include "wire/stun_builder.hpp"

namespace avedge::diag {
namespace {

namespace m = stun::method;

const Endpoint kClient = *Endpoint::parse("192.0.2.1:40000");
const Endpoint kServer = *Endpoint::parse("198.51.100.2:3478");

struct Script {
  Capture cap;
  double t = 0;

  void send(bool from_client, uint16_t method, stun::Class cls, uint8_t id, uint16_t code = 0,
            bool credentials = false) {
    std::array<uint8_t, 256> buf{};
    stun::TransactionId tid{};
    tid[0] = id;
    stun::Builder b(buf, method, cls, tid);
    if (code != 0) b.add_error_code(code, "");
    if (credentials) {
      b.add_string(stun::attr::Username, "alice");
      const std::array<uint8_t, 16> key{};
      b.add_message_integrity(key);
    }
    Segment s;
    s.time = t += 0.01;
    s.src = from_client ? kClient : kServer;
    s.dst = from_client ? kServer : kClient;
    s.payload.assign(b.bytes().begin(), b.bytes().end());
    cap.segments.push_back(s);
  }
  void exchange(uint16_t method, uint8_t id, uint16_t code, bool credentials) {
    send(true, method, stun::Class::Request, id, 0, credentials);
    send(false, method, code == 0 ? stun::Class::Success : stun::Class::Error, id, code);
  }
  FileReport run() {
    t += 5;  // the capture goes on after the last exchange
    send(true, m::Binding, stun::Class::Indication, 99);
    FileReport r;
    analyze_units(cap, extract_units(cap), r);
    return r;
  }
};

TEST(AnalyzeTransactions, StaleNonceFollowedBySuccessIsNormal) {
  Script s;
  s.exchange(m::Allocate, 1, 401, false);
  s.exchange(m::Allocate, 2, 0, true);
  s.exchange(m::Refresh, 3, 438, true);
  s.exchange(m::Refresh, 4, 0, true);
  const FileReport r = s.run();
  EXPECT_TRUE(r.findings.empty());
  ASSERT_EQ(r.flows.size(), 1u);
  EXPECT_EQ(r.flows[0].allocations, 1u);
  EXPECT_EQ(r.flows[0].refreshes, 1u);
  EXPECT_EQ(r.timeline.at(5).note, "stale nonce");
}

TEST(AnalyzeTransactions, StaleNonceWithoutRecoveryIsAFinding) {
  Script s;
  s.exchange(m::Allocate, 2, 0, true);
  s.exchange(m::Refresh, 3, 438, true);
  const FileReport r = s.run();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].id, "ANA-ERR-438");
  EXPECT_EQ(r.findings[0].message, "Refresh refused with 438 Stale Nonce: the nonce expired");
  EXPECT_EQ(r.findings[0].where, "udp 192.0.2.1:40000 -> 198.51.100.2:3478 at 00:00:00.030");
}

TEST(AnalyzeTransactions, RetransmissionsAndChallengeWithoutCredentials) {
  Script s;
  s.send(true, m::Allocate, stun::Class::Request, 7);
  s.send(true, m::Allocate, stun::Class::Request, 7);  // same transaction id: retransmitted
  s.send(false, m::Allocate, stun::Class::Error, 7, 401);
  const FileReport r = s.run();
  ASSERT_EQ(r.flows.size(), 1u);
  EXPECT_EQ(r.flows[0].requests, 1u);
  EXPECT_EQ(r.flows[0].retransmissions, 1u);
  EXPECT_EQ(r.timeline.at(1).note, "retransmission");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].id, "ANA-AUTH-001");
  EXPECT_EQ(r.findings[0].message,
            "Allocate was challenged (401) but the client never sent credentials: it has no TURN "
            "credentials");
}

TEST(AnalyzeTransactions, UnansweredLongBeforeTheEnd) {
  Script s;
  s.send(true, m::Allocate, stun::Class::Request, 8);
  const FileReport r = s.run();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].id, "ANA-NOANSWER-001");
  EXPECT_EQ(r.findings[0].message, "Allocate request to 198.51.100.2:3478 over udp got no answer");
  EXPECT_EQ(analyze_exit_status({r}), 1);
}

}  // namespace
}  // namespace avedge::diag

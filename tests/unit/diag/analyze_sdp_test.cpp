// `avedge analyze` on SDP and client logs (tests/fixtures/analyze/*.sdp, *.txt): candidate audit
// per m= line and component with the exact findings.
#include <gtest/gtest.h>

#include <string>

#include "diag/analyze.hpp"
#include "diag/analyze_fixtures.hpp"

namespace avedge::diag {
namespace {

const char* const kNoRelayCheck =
    "the client got no TURN credentials or could not allocate: check the MRAS authorization of "
    "the front end ([[edge_pool]] authorized_internal_servers), the pool's public_fqdn (it must "
    "point at this pool's own edges), and that UDP 3478 and TCP 443 to the edge are open";

TEST(AnalyzeSdp, GoodOfferHasNoFinding) {
  const FileReport r = analyze_file(fixture("offer_good.sdp"));
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.type, "sdp");
  ASSERT_EQ(r.media.size(), 2u);
  EXPECT_EQ(r.media[0].media, "audio");
  EXPECT_EQ(r.media[0].line, 6u);
  ASSERT_EQ(r.media[0].components.size(), 1u);  // rtcp-mux
  const SdpComponent& a = r.media[0].components[0];
  EXPECT_EQ(a.host, 2u);
  EXPECT_EQ(a.srflx, 1u);
  EXPECT_EQ(a.relay, 1u);
  EXPECT_EQ(a.transports, (std::vector<std::string>{"udp", "tcp-active"}));
  ASSERT_EQ(r.media[1].components.size(), 2u);
  EXPECT_EQ(r.media[1].components[1].component, 2);
  EXPECT_EQ(r.media[1].components[1].relay, 1u);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(analyze_exit_status({r}), 0);
}

TEST(AnalyzeSdp, MissingRelayIsExplained) {
  const FileReport r = analyze_file(fixture("offer_no_relay.sdp"));
  ASSERT_EQ(r.findings.size(), 1u);  // the disabled m=video (port 0) is not audited
  const AnalyzeFinding& f = r.findings[0];
  EXPECT_EQ(f.id, "ANA-SDP-001");
  EXPECT_EQ(f.where, fixture("offer_no_relay.sdp") + ":5");
  EXPECT_EQ(f.message, "m=audio (line 5) component 1 (RTP): no relay candidate");
  EXPECT_EQ(f.check, kNoRelayCheck);
  EXPECT_EQ(analyze_exit_status({r}), 1);
}

TEST(AnalyzeSdp, MicrosoftLogWithTcpActPass) {
  const FileReport r = analyze_file(fixture("client_log_microsoft.txt"));
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.media.size(), 2u);
  EXPECT_EQ(r.media[0].line, 7u);
  ASSERT_EQ(r.media[0].components.size(), 2u);
  for (const SdpComponent& c : r.media[0].components) {
    EXPECT_EQ(c.relay, 2u);  // TCP-PASS and TCP-ACT
    EXPECT_EQ(c.srflx, 1u);
    EXPECT_EQ(c.transports, (std::vector<std::string>{"udp", "tcp-pass", "tcp-act"}));
  }
  EXPECT_EQ(r.media[0].components[0].host, 2u);  // a=candidate and a=x-candidate
  // m=video has host candidates only: no relay and no reflexive candidate, per component
  ASSERT_EQ(r.findings.size(), 4u);
  EXPECT_EQ(r.findings[0].message, "m=video (line 18) component 1 (RTP): no relay candidate");
  EXPECT_EQ(r.findings[1].id, "ANA-SDP-002");
  EXPECT_EQ(r.findings[1].message,
            "m=video (line 18) component 1 (RTP): no server-reflexive candidate");
  EXPECT_EQ(r.findings[1].check,
            "STUN to the edge is blocked (UDP 3478) or the client has no STUN/TURN server; a "
            "client on a public address needs none");
  EXPECT_EQ(r.findings[3].message,
            "m=video (line 18) component 2 (RTCP): no server-reflexive candidate");
}

TEST(AnalyzeSdp, CandidatesWithoutMediaAndOldFormats) {
  const FileReport r = analyze_bytes(
      "trickle a=candidate:1 1 udp 2122260223 10.1.1.1 5000 typ host\n"
      "a=candidate:qkEnf9 1 user pass UDP 0.830 10.0.0.1 6000\n",
      "t.log");
  ASSERT_EQ(r.media.size(), 1u);
  EXPECT_EQ(r.media[0].media, "candidates");
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_EQ(r.findings[0].message, "candidates (line 1) component 1 (RTP): no relay candidate");
  EXPECT_EQ(r.findings[2].id, "ANA-SDP-004");
  EXPECT_EQ(r.findings[2].message,
            "1 candidate line not understood (no \"typ\": an old ICE draft format?)");
}

TEST(AnalyzeSdp, MediaWithoutCandidates) {
  const FileReport r =
      analyze_bytes("v=0\r\nm=audio 5004 RTP/AVP 0\r\nc=IN IP4 10.0.0.1\r\n", "plain.sdp");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].id, "ANA-SDP-003");
  EXPECT_EQ(r.findings[0].message, "m=audio (line 2): no ICE candidates");
}

}  // namespace
}  // namespace avedge::diag

// `avedge analyze` on captures recorded from avedge's own traffic (tests/fixtures/analyze/,
// recorded by record.sh there): the analyzer's reading must match what the recording did.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "diag/analyze.hpp"
#include "diag/analyze_fixtures.hpp"

namespace avedge::diag {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

FlowSummary total(const FileReport& r) {
  FlowSummary t;
  for (const FlowSummary& f : r.flows) {
    t.requests += f.requests;
    t.successes += f.successes;
    t.errors += f.errors;
    t.unanswered += f.unanswered;
    t.allocations += f.allocations;
    t.permissions += f.permissions;
    t.channel_binds += f.channel_binds;
    t.channel_data_to_server += f.channel_data_to_server;
    t.channel_data_to_client += f.channel_data_to_client;
    t.relay_to_peer += f.relay_to_peer;
    t.peer_to_relay += f.peer_to_relay;
  }
  return t;
}

const AnalyzeFinding* find(const FileReport& r, const std::string& id) {
  for (const AnalyzeFinding& f : r.findings) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

// uclient -n 3 -m 1 ran three allocations (each: 401 challenge, then success with credentials),
// 2 CreatePermissions, 7 ChannelBinds, 3 ChannelData messages echoed by the peer on two of them.
void expect_uclient_run(const FileReport& r, Proto proto) {
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.flows.size(), 3u);
  const FlowSummary t = total(r);
  EXPECT_EQ(t.allocations, 3u);
  EXPECT_EQ(t.requests, 22u);
  EXPECT_EQ(t.successes, 19u);
  EXPECT_EQ(t.errors, 3u);  // the three 401 challenges
  EXPECT_EQ(t.unanswered, 0u);
  EXPECT_EQ(t.permissions, 2u);
  EXPECT_EQ(t.channel_binds, 7u);
  EXPECT_EQ(t.channel_data_to_server, 6u);
  EXPECT_EQ(t.channel_data_to_client, 6u);
  EXPECT_EQ(t.relay_to_peer, 6u);
  EXPECT_EQ(t.peer_to_relay, 6u);
  for (const FlowSummary& f : r.flows) {
    EXPECT_EQ(f.proto, proto);
    EXPECT_EQ(f.server.to_string(), "127.0.0.21:3478");
    EXPECT_EQ(f.allocations, 1u);
    ASSERT_EQ(f.relayed.size(), 1u);
    EXPECT_EQ(f.relayed[0].rfind("127.0.0.21:521", 0), 0u) << f.relayed[0];  // 52100-52199
    EXPECT_EQ(f.usernames, std::vector<std::string>{"alice"});
  }
  // The 401-then-success pattern, in that order, on the first flow.
  std::vector<std::string> first;
  for (const TimelineEntry& e : r.timeline) {
    if (e.src == r.flows[0].client || e.dst == r.flows[0].client)
      first.push_back(e.what + "|" + e.note);
  }
  ASSERT_GE(first.size(), 4u);
  EXPECT_EQ(first[0], "Allocate request|");
  EXPECT_EQ(first[1], "Allocate error|challenge (normal)");
  EXPECT_EQ(first[2], "Allocate request|");
  EXPECT_EQ(first[3], "Allocate success|");
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(analyze_exit_status({r}), 0);
}

TEST(AnalyzeCapture, UdpRunOfUclient) {
  const FileReport r = analyze_file(fixture("udp_channel.pcapng"));
  EXPECT_EQ(r.type, "pcapng");
  expect_uclient_run(r, Proto::Udp);
  // key attributes of the successful Allocate
  bool seen = false;
  for (const TimelineEntry& e : r.timeline) {
    if (e.what != "Allocate success") continue;
    seen = true;
    ASSERT_GE(e.attrs.size(), 3u);
    EXPECT_EQ(e.attrs[0].first, "relayed");
    EXPECT_EQ(e.attrs[1], (std::pair<std::string, std::string>{"lifetime", "777"}));
    EXPECT_EQ(e.attrs[2].first, "mapped");
    EXPECT_EQ(e.tid.size(), 8u);
  }
  EXPECT_TRUE(seen);
}

TEST(AnalyzeCapture, TcpRunIsReassembledAndFramed) {
  expect_uclient_run(analyze_file(fixture("tcp_channel.pcapng")), Proto::Tcp);
}

TEST(AnalyzeCapture, SendAndDataIndications) {
  // uclient -s: permissions instead of channels, 6 Send and 6 Data indications (tshark agrees)
  const FileReport r = analyze_file(fixture("udp_send.pcapng"));
  ASSERT_TRUE(r.error.empty()) << r.error;
  size_t send = 0, data = 0, allocations = 0, permissions = 0, channels = 0;
  for (const FlowSummary& f : r.flows) {
    send += f.send_indications;
    data += f.data_indications;
    allocations += f.allocations;
    permissions += f.permissions;
    channels += f.channel_binds + f.channel_data_to_server;
  }
  EXPECT_EQ(send, 6u);
  EXPECT_EQ(data, 6u);
  EXPECT_EQ(allocations, 3u);
  EXPECT_EQ(permissions, 6u);
  EXPECT_EQ(channels, 0u);
  EXPECT_TRUE(r.findings.empty());
}

TEST(AnalyzeCapture, LinuxCookedCaptureOnAny) {
  // dumpcap -i any: Linux cooked headers; uclient -y (client to client) made 5 allocations
  const FileReport r = analyze_file(fixture("udp_cooked.pcapng"));
  ASSERT_TRUE(r.error.empty()) << r.error;
  const FlowSummary t = total(r);
  EXPECT_EQ(r.flows.size(), 5u);
  EXPECT_EQ(t.allocations, 5u);
  EXPECT_EQ(t.requests, 35u);
  EXPECT_EQ(t.successes, 30u);
  EXPECT_EQ(t.errors, 5u);  // the challenges
  EXPECT_EQ(t.channel_binds, 8u);
  EXPECT_EQ(t.channel_data_to_server, 4u);
  EXPECT_EQ(t.relay_to_peer, 4u);  // relay to relay: counted on both allocations
  EXPECT_EQ(t.peer_to_relay, 4u);
  EXPECT_TRUE(r.findings.empty());
}

TEST(AnalyzeCapture, WrongPasswordIsExplained) {
  const FileReport r = analyze_file(fixture("wrong_password.pcapng"));
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.flows.size(), 1u);
  EXPECT_EQ(r.flows[0].allocations, 0u);
  EXPECT_EQ(r.flows[0].errors, 32u);  // one challenge, then 31 refusals of the credential
  ASSERT_EQ(r.findings.size(), 1u);
  const AnalyzeFinding& f = r.findings[0];
  EXPECT_EQ(f.id, "ANA-ERR-401");
  EXPECT_EQ(f.severity, Severity::Error);
  EXPECT_EQ(f.count, 31u);
  EXPECT_EQ(f.message, "user \"alice\" (static user) refused with 401 after sending credentials");
  EXPECT_EQ(f.check,
            "wrong password, unknown user or wrong realm: compare the client's credentials with "
            "[auth] users / secrets and [edge] realm");
  EXPECT_EQ(f.where.rfind("udp 127.0.0.1:", 0), 0u);
  EXPECT_EQ(analyze_exit_status({r}), 1);
}

TEST(AnalyzeCapture, UnansweredRequestIsFound) {
  const FileReport r = analyze_file(fixture("unanswered.pcapng"));
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.flows.size(), 1u);
  EXPECT_EQ(r.flows[0].unanswered, 1u);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].id, "ANA-NOANSWER-002");
  EXPECT_EQ(r.findings[0].message,
            "Binding request to 127.0.0.21:3479 over udp got no answer: ICMP port unreachable "
            "came back, nothing listens on 127.0.0.21:3479");
  EXPECT_EQ(r.timeline.at(0).note, "no answer");
  EXPECT_EQ(analyze_exit_status({r}), 1);
}

TEST(AnalyzeCapture, TlsIsReportedOpaque) {
  const FileReport r = analyze_file(fixture("tls_channel.pcapng"));
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_TRUE(r.flows.empty());
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].id, "ANA-TLS-001");
  EXPECT_EQ(r.findings[0].severity, Severity::Info);
  EXPECT_EQ(r.findings[0].count, 7u);  // uclient opened 7 TLS connections (7 SYNs to 5349)
  EXPECT_EQ(r.findings[0].message,
            "TLS on 127.0.0.21:5349: contents encrypted, cannot be analysed; capture on the "
            "client or use UDP/TCP");
  EXPECT_EQ(analyze_exit_status({r}), 0);
}

TEST(AnalyzeCapture, DeniedPeerIsExplained) {
  const FileReport r = analyze_file(fixture("peer_denied.pcapng"));
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(total(r).allocations, 3u);
  const AnalyzeFinding* f = find(r, "ANA-ERR-403");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->message,
            "ChannelBind refused with 403 Forbidden: peer 127.0.0.22:3481 denied by the edge's "
            "peer policy");
  EXPECT_NE(f->check.find("--allow-peer"), std::string::npos);
  EXPECT_EQ(r.findings.size(), 1u);
}

TEST(AnalyzeCapture, JsonHasStableKeys) {
  const std::string j = format_analysis_json({analyze_file(fixture("wrong_password.pcapng"))});
  for (const char* key :
       {"\"file\"", "\"type\": \"pcapng\"", "\"flows\"", "\"timeline\"", "\"findings\"",
        "\"id\": \"ANA-ERR-401\"", "\"count\": 31", "\"allocations\": 0"}) {
    EXPECT_NE(j.find(key), std::string::npos) << key;
  }
}

TEST(AnalyzeCapture, GarbageGivesAClearError) {
  const FileReport r = analyze_bytes("hello, this is not a capture\n", "junk.bin");
  EXPECT_EQ(r.error,
            "junk.bin: not a pcap/pcapng/SDP file (first bytes 68 65 6c 6c, no SDP lines)");
  EXPECT_EQ(analyze_exit_status({r}), 2);
  EXPECT_EQ(analyze_bytes("", "empty.pcap").error,
            "empty.pcap: not a pcap/pcapng/SDP file (empty file)");
  EXPECT_EQ(analyze_file(fixture("no-such-file.pcap")).error.find("cannot read"),
            fixture("no-such-file.pcap").size() + 2);
}

TEST(AnalyzeCapture, TruncatedFilesGiveAClearError) {
  const std::string full = slurp(fixture("udp_channel.pcapng"));
  ASSERT_GT(full.size(), 3000u);
  // cut inside the section header: libpcap cannot open it
  const FileReport head = analyze_bytes(full.substr(0, 10), "cut.pcapng");
  EXPECT_EQ(head.error.rfind("cut.pcapng: not a pcap/pcapng/SDP file (libpcap: ", 0), 0u)
      << head.error;
  EXPECT_EQ(analyze_exit_status({head}), 2);
  // cut inside a packet: what was read is analysed, the file is still an error
  const FileReport mid = analyze_bytes(full.substr(0, 3000), "cut.pcapng");
  EXPECT_EQ(mid.error.rfind("cut.pcapng: truncated capture: read ", 0), 0u) << mid.error;
  EXPECT_GT(mid.frames, 0u);
  EXPECT_EQ(analyze_exit_status({mid}), 2);
  // every prefix: never a crash, always either a reading or a clear error
  for (size_t n = 0; n < full.size(); n += 97) {
    const FileReport r = analyze_bytes(full.substr(0, n), "p");
    EXPECT_TRUE(!r.error.empty() || n == 0 || r.type == "pcapng");
  }
}

}  // namespace
}  // namespace avedge::diag

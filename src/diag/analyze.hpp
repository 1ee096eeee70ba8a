// `avedge analyze FILE... [--json]` (issue 4, part 3): explains a capture or an SDP. Pure
// analysis over what the readers (analyze_capture.hpp) produce; the CLI only prints.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "diag/analyze_capture.hpp"
#include "diag/check.hpp"

namespace avedge::diag {

struct AnalyzeFinding {
  Severity severity = Severity::Error;
  std::string id;       // "ANA-AUTH-002"
  std::string where;    // "udp 127.0.0.1:4000 -> 127.0.0.21:3478 at 15:24:58.123" or "f.sdp:12"
  std::string message;  // what happened and what it means
  std::string check;    // what to check or change
  size_t count = 1;     // identical findings are counted, not repeated
};

struct TimelineEntry {
  double time = 0;
  Proto proto = Proto::Udp;
  Endpoint src, dst;
  std::string what;  // "Allocate request", "Allocate error", "Binding success"
  std::string tid;   // first 4 bytes of the transaction id, hex
  std::vector<std::pair<std::string, std::string>> attrs;  // key attributes, in message order
  std::string note;  // "challenge (normal)", "retransmission", ...
};

struct FlowSummary {
  Proto proto = Proto::Udp;
  Endpoint client, server;
  size_t requests = 0, retransmissions = 0, successes = 0, errors = 0, unanswered = 0;
  size_t allocations = 0, permissions = 0, channel_binds = 0, refreshes = 0;
  size_t channel_data_to_server = 0, channel_data_to_client = 0;
  size_t send_indications = 0, data_indications = 0;
  size_t relay_to_peer = 0, peer_to_relay = 0;  // UDP datagrams seen on the relayed addresses
  std::vector<std::string> relayed;             // XOR-RELAYED-ADDRESS of successful Allocates
  std::vector<std::string> mapped;              // XOR-MAPPED-ADDRESS seen
  std::vector<std::string> usernames;
};

struct SdpComponent {
  int component = 1;  // 1 RTP, 2 RTCP (RFC 8445 §5.1.1.1)
  size_t host = 0, srflx = 0, prflx = 0, relay = 0;
  std::vector<std::string> transports;  // "udp", "tcp-act", "tcp-pass", ...
};
struct SdpMedia {
  size_t line = 0;    // of the m= line
  std::string media;  // "audio", "video", "application"
  std::vector<SdpComponent> components;
};

struct FileReport {
  std::string file;
  std::string type;   // "pcap", "pcapng", "sdp"
  std::string error;  // not empty: the file could not be read (completely)
  size_t frames = 0;
  double start = 0, end = 0;
  std::vector<TimelineEntry> timeline;
  std::vector<FlowSummary> flows;
  std::vector<OpaqueStream> opaque;
  std::vector<SdpMedia> media;
  std::vector<AnalyzeFinding> findings;
  size_t other_udp = 0;  // UDP datagrams that are none of the above
};

// Reads `path` (type from its content: pcap/pcapng magic, or SDP text) and analyses it.
FileReport analyze_file(const std::string& path);
// The same on bytes already read; `name` is used in messages.
FileReport analyze_bytes(std::string_view data, const std::string& name);

// STUN/TURN transactions, timeline, per-flow summary and findings of a capture.
void analyze_units(const Capture& cap, const Units& units, FileReport& out);
// Candidate audit of SDP or a text log holding SDP / a=candidate lines.
void analyze_sdp(std::string_view text, FileReport& out);

// 0 nothing found (info only counts as clean), 1 findings, 2 a file could not be read.
int analyze_exit_status(const std::vector<FileReport>& reports);
std::string format_analysis_human(const std::vector<FileReport>& reports, bool colour);
std::string format_analysis_json(const std::vector<FileReport>& reports);

// "15:24:58.123" (UTC) and "2026-11-25 15:24:58 UTC".
std::string clock_time(double t);
std::string date_time(double t);

}  // namespace avedge::diag

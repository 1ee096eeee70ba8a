// Output of `avedge analyze`: human text (colour on a terminal) and JSON with stable keys.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "diag/analyze.hpp"

namespace avedge::diag {

namespace {

constexpr size_t kMaxHumanTimeline = 200;  // longer timelines: the rest in --json

const char* severity_colour(Severity s) {
  return s == Severity::Error ? "\x1b[1;31m" : s == Severity::Warning ? "\x1b[1;33m" : "\x1b[1;36m";
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string plural(size_t n, std::string_view word) {
  const bool es = word.ends_with('s');
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : es ? "es" : "s");
}

std::string flow_line(const FlowSummary& f) {
  std::string s =
      fmt::format("{} {} -> {}: {} ({} retransmitted), {}, {}, {} unanswered; {}",
                  to_string(f.proto), f.client.to_string(), f.server.to_string(),
                  plural(f.requests, "request"), f.retransmissions, plural(f.successes, "success"),
                  plural(f.errors, "error"), f.unanswered, plural(f.allocations, "allocation"));
  if (!f.relayed.empty()) s += " (relay " + join(f.relayed) + ")";
  s += fmt::format(
      "; {}, {}; ChannelData {} to server / {} to client; Send {}, Data {}; relay to peers {} "
      "/ from peers {}",
      plural(f.permissions, "permission"), plural(f.channel_binds, "channel bind"),
      f.channel_data_to_server, f.channel_data_to_client, f.send_indications, f.data_indications,
      f.relay_to_peer, f.peer_to_relay);
  if (!f.usernames.empty()) s += "; user " + join(f.usernames);
  return s;
}

void human_file(std::string& out, const FileReport& r, bool colour) {
  if (r.type == "sdp") {
    out += fmt::format("== {} (SDP, {} media)\n", r.file, r.media.size());
  } else if (!r.type.empty()) {
    out += fmt::format("== {} ({}, {} frames, {} to {})\n", r.file, r.type, r.frames,
                       date_time(r.start), clock_time(r.end));
  }
  if (!r.timeline.empty()) out += "timeline:\n";
  for (size_t i = 0; i < r.timeline.size() && i < kMaxHumanTimeline; ++i) {
    const TimelineEntry& e = r.timeline[i];
    std::string attrs;
    for (const auto& [k, v] : e.attrs) attrs += fmt::format("  {}={}", k, v);
    out += fmt::format("  {}  {} {} -> {}  {}  tid {}{}{}\n", clock_time(e.time),
                       to_string(e.proto), e.src.to_string(), e.dst.to_string(), e.what, e.tid,
                       attrs, e.note.empty() ? "" : "  [" + e.note + "]");
  }
  if (r.timeline.size() > kMaxHumanTimeline) {
    out += fmt::format("  ... {} more (see --json)\n", r.timeline.size() - kMaxHumanTimeline);
  }
  if (!r.flows.empty()) out += "flows:\n";
  for (const FlowSummary& f : r.flows) out += "  " + flow_line(f) + "\n";
  for (const SdpMedia& m : r.media) {
    out += fmt::format("  {} (line {}):{}\n", m.media == "candidates" ? m.media : "m=" + m.media,
                       m.line, m.components.empty() ? " no candidates" : "");
    for (const SdpComponent& c : m.components) {
      out += fmt::format("    component {}: {} host, {} srflx, {} prflx, {} relay [{}]\n",
                         c.component, c.host, c.srflx, c.prflx, c.relay, join(c.transports));
    }
  }
  size_t n[3] = {0, 0, 0};
  for (const AnalyzeFinding& f : r.findings) {
    ++n[static_cast<size_t>(f.severity)];
    std::string sev = to_string(f.severity);
    for (char& c : sev) c = static_cast<char>(c - 'a' + 'A');
    out += fmt::format("{}  {}{}{}  {}  {}{}\n", f.where, colour ? severity_colour(f.severity) : "",
                       sev, colour ? "\x1b[0m" : "", f.id, f.message,
                       f.count > 1 ? fmt::format(" ({} times)", f.count) : "");
    out += fmt::format("  check: {}\n", f.check);
  }
  if (r.error.empty()) {
    out += fmt::format("{}: {}, {}, {} info\n", r.file, plural(n[2], "error"),
                       plural(n[1], "warning"), n[0]);
  }
}

nlohmann::ordered_json endpoint_json(Proto p, const Endpoint& a, const Endpoint& b) {
  return {{"transport", to_string(p)}, {"src", a.to_string()}, {"dst", b.to_string()}};
}

nlohmann::ordered_json file_json(const FileReport& r) {
  using J = nlohmann::ordered_json;
  J j;
  j["file"] = r.file;
  j["type"] = r.type;
  j["error"] = r.error.empty() ? J(nullptr) : J(r.error);
  j["frames"] = r.frames;
  j["other_udp"] = r.other_udp;
  j["timeline"] = J::array();
  for (const TimelineEntry& e : r.timeline) {
    J a = J::object();
    for (const auto& [k, v] : e.attrs) a[k] = v;
    J x = endpoint_json(e.proto, e.src, e.dst);
    x["time"] = e.time;
    x["what"] = e.what;
    x["tid"] = e.tid;
    x["attributes"] = a;
    x["note"] = e.note;
    j["timeline"].push_back(x);
  }
  j["flows"] = J::array();
  for (const FlowSummary& f : r.flows) {
    j["flows"].push_back({{"transport", to_string(f.proto)},
                          {"client", f.client.to_string()},
                          {"server", f.server.to_string()},
                          {"requests", f.requests},
                          {"retransmissions", f.retransmissions},
                          {"successes", f.successes},
                          {"errors", f.errors},
                          {"unanswered", f.unanswered},
                          {"allocations", f.allocations},
                          {"relayed", f.relayed},
                          {"mapped", f.mapped},
                          {"permissions", f.permissions},
                          {"channel_binds", f.channel_binds},
                          {"refreshes", f.refreshes},
                          {"channel_data_to_server", f.channel_data_to_server},
                          {"channel_data_to_client", f.channel_data_to_client},
                          {"send_indications", f.send_indications},
                          {"data_indications", f.data_indications},
                          {"relay_to_peer", f.relay_to_peer},
                          {"peer_to_relay", f.peer_to_relay},
                          {"usernames", f.usernames}});
  }
  j["media"] = J::array();
  for (const SdpMedia& m : r.media) {
    J comps = J::array();
    for (const SdpComponent& c : m.components) {
      comps.push_back({{"component", c.component},
                       {"host", c.host},
                       {"srflx", c.srflx},
                       {"prflx", c.prflx},
                       {"relay", c.relay},
                       {"transports", c.transports}});
    }
    j["media"].push_back({{"line", m.line}, {"media", m.media}, {"components", comps}});
  }
  j["findings"] = J::array();
  for (const AnalyzeFinding& f : r.findings) {
    j["findings"].push_back({{"id", f.id},
                             {"severity", to_string(f.severity)},
                             {"where", f.where},
                             {"message", f.message},
                             {"check", f.check},
                             {"count", f.count}});
  }
  return j;
}

}  // namespace

std::string format_analysis_human(const std::vector<FileReport>& reports, bool colour) {
  std::string out;
  for (const FileReport& r : reports) human_file(out, r, colour);
  return out;
}

std::string format_analysis_json(const std::vector<FileReport>& reports) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const FileReport& r : reports) j.push_back(file_json(r));
  // Invalid UTF-8 from a capture (a USERNAME) is replaced, not thrown (JSON needs UTF-8).
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace avedge::diag

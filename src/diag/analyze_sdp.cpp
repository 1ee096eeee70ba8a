// SDP candidate audit (RFC 8839 §5.1 a=candidate, RFC 6544 §4.5 tcptype, and the Microsoft forms
// TCP-ACT / TCP-PASS and a=x-candidate): per m= line and component, which candidate types the
// client gathered, and what a missing relay or server-reflexive candidate means.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "diag/analyze.hpp"

namespace avedge::diag {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const size_t b = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > b) out.push_back(s.substr(b, i - b));
  }
  return out;
}

// Where an SDP line starts inside a log line: at the start, or after a space, tab, quote or '|'.
size_t find_field(std::string_view line, std::string_view prefix) {
  for (size_t at = line.find(prefix); at != std::string_view::npos;
       at = line.find(prefix, at + 1)) {
    if (at == 0) return at;
    const char before = line[at - 1];
    if (before == ' ' || before == '\t' || before == '"' || before == '\'' || before == '|' ||
        before == '>' || before == ':') {
      return at;
    }
  }
  return std::string_view::npos;
}

struct Candidate {
  int component = 0;
  std::string transport;  // "udp", "tcp-active", "tcp-pass", ...
  std::string type;       // "host", "srflx", "prflx", "relay"
};

// "a=candidate:1 1 TCP-PASS 174455807 10.0.0.5 52000 typ relay raddr 10.0.0.5 rport 5000"
bool parse_candidate(std::string_view value, Candidate& c) {
  const auto w = words(value);
  if (w.size() < 8 || lower(w[6]) != "typ") return false;
  int comp = 0;
  for (const char ch : w[1]) {
    if (ch < '0' || ch > '9' || comp > 1000) return false;
    comp = comp * 10 + (ch - '0');
  }
  if (comp < 1 || comp > 256) return false;  // RFC 8445 §5.1.1.1
  c.component = comp;
  c.transport = lower(w[2]);
  c.type = lower(w[7]);
  for (size_t i = 8; i + 1 < w.size(); i += 2) {
    if (lower(w[i]) == "tcptype") c.transport += "-" + lower(w[i + 1]);  // RFC 6544 §4.5
  }
  return true;
}

const char* component_name(int c) {
  return c == 1 ? " (RTP)" : c == 2 ? " (RTCP)" : "";
}

struct Media {
  SdpMedia m;
  bool disabled = false;  // port 0 (RFC 8866 §5.14 / RFC 3264 §6)
  std::map<int, SdpComponent> comps;
};

}  // namespace

void analyze_sdp(std::string_view text, FileReport& out) {
  std::vector<Media> media;
  size_t unparsed = 0, first_unparsed = 0;
  size_t lineno = 0;
  std::istringstream in{std::string(text)};
  std::string raw;
  while (std::getline(in, raw)) {
    ++lineno;
    std::string_view line(raw);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (size_t at = find_field(line, "m="); at != std::string_view::npos) {
      const auto w = words(line.substr(at + 2));
      if (w.size() >= 3) {
        Media md;
        md.m.line = lineno;
        md.m.media = std::string(w[0]);
        md.disabled = w[1] == "0";
        media.push_back(std::move(md));
        continue;
      }
    }
    size_t at = find_field(line, "a=candidate:");
    size_t skip = 12;
    if (at == std::string_view::npos) {
      at = find_field(line, "a=x-candidate");  // Microsoft (also a=x-candidate-ipv6:)
      const size_t colon = at == std::string_view::npos ? at : line.find(':', at);
      if (colon == std::string_view::npos) continue;
      skip = colon + 1 - at;
    }
    Candidate c;
    if (!parse_candidate(line.substr(at + skip), c)) {
      if (unparsed++ == 0) first_unparsed = lineno;
      continue;
    }
    if (media.empty()) {  // candidates without an m= line (a log of trickled candidates)
      Media md;
      md.m.line = lineno;
      md.m.media = "candidates";
      media.push_back(std::move(md));
    }
    SdpComponent& sc = media.back().comps[c.component];
    sc.component = c.component;
    if (c.type == "host") ++sc.host;
    if (c.type == "srflx") ++sc.srflx;
    if (c.type == "prflx") ++sc.prflx;
    if (c.type == "relay") ++sc.relay;
    if (std::find(sc.transports.begin(), sc.transports.end(), c.transport) == sc.transports.end()) {
      sc.transports.push_back(c.transport);
    }
  }

  for (Media& md : media) {
    for (auto& [n, sc] : md.comps) md.m.components.push_back(sc);
    const std::string w = fmt::format("{}:{}", out.file, md.m.line);
    const std::string label =
        md.m.media == "candidates" ? std::string("candidates") : "m=" + md.m.media;
    if (md.disabled) {
      out.media.push_back(std::move(md.m));
      continue;
    }
    if (md.m.components.empty()) {
      out.findings.push_back({Severity::Warning, "ANA-SDP-003", w,
                              fmt::format("{} (line {}): no ICE candidates", label, md.m.line),
                              "candidates may be trickled in later messages (look there), or "
                              "the client does not do ICE",
                              1});
    }
    for (const SdpComponent& sc : md.m.components) {
      const std::string head = fmt::format("{} (line {}) component {}{}", label, md.m.line,
                                           sc.component, component_name(sc.component));
      if (sc.relay == 0) {
        out.findings.push_back(
            {Severity::Error, "ANA-SDP-001", w, head + ": no relay candidate",
             "the client got no TURN credentials or could not allocate: check the MRAS "
             "authorization of the front end ([[edge_pool]] authorized_internal_servers), the "
             "pool's public_fqdn (it must point at this pool's own edges), and that UDP 3478 and "
             "TCP 443 to the edge are open",
             1});
      }
      if (sc.srflx == 0) {
        out.findings.push_back(
            {Severity::Warning, "ANA-SDP-002", w, head + ": no server-reflexive candidate",
             "STUN to the edge is blocked (UDP 3478) or the client has no STUN/TURN server; a "
             "client on a public address needs none",
             1});
      }
    }
    out.media.push_back(std::move(md.m));
  }
  if (unparsed > 0) {
    out.findings.push_back(
        {Severity::Warning, "ANA-SDP-004", fmt::format("{}:{}", out.file, first_unparsed),
         fmt::format("{} candidate line{} not understood (no \"typ\": an old ICE draft format?)",
                     unparsed, unparsed == 1 ? "" : "s"),
         "the client's ICE version; these candidates are not counted above", 1});
  }
}

}  // namespace avedge::diag

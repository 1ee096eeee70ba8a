#include "mras/sip_message.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace avedge::mras {

namespace {

constexpr size_t kMaxHeaders = 200;
constexpr size_t kMaxUri = 4096;

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 3261 §25.1 token characters.
bool is_token(std::string_view s) {
  static constexpr std::string_view kMarks = "-.!%*_+`'~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           kMarks.find(c) != std::string_view::npos;
  });
}

bool has_ctl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

struct Compact {
  char letter;
  std::string_view name;
};
// RFC 3261 §7.3.3 and the IANA compact-form registrations.
constexpr std::array<Compact, 17> kCompact{{{'a', "Accept-Contact"},
                                            {'b', "Referred-By"},
                                            {'c', "Content-Type"},
                                            {'e', "Content-Encoding"},
                                            {'f', "From"},
                                            {'i', "Call-ID"},
                                            {'k', "Supported"},
                                            {'l', "Content-Length"},
                                            {'m', "Contact"},
                                            {'o', "Event"},
                                            {'r', "Refer-To"},
                                            {'s', "Subject"},
                                            {'t', "To"},
                                            {'u', "Allow-Events"},
                                            {'v', "Via"},
                                            {'x', "Session-Expires"},
                                            {'y', "Identity"}}};

constexpr std::array<std::string_view, 16> kKnown{
    "Via",          "From",    "To",           "Call-ID",       "CSeq",  "Content-Length",
    "Content-Type", "Contact", "Max-Forwards", "Accept",        "Allow", "Supported",
    "Record-Route", "Route",   "User-Agent",   "ms-diagnostics"};

std::optional<size_t> parse_length(std::string_view v) {
  if (v.empty() || v.size() > 10) return std::nullopt;
  if (!std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  uint64_t n = 0;
  std::from_chars(v.data(), v.data() + v.size(), n);
  return static_cast<size_t>(n);
}

SipFramer::Result error(int status, std::string reason, std::string head = {}) {
  SipFramer::Result r;
  r.kind = SipFramer::Kind::Error;
  r.error.status = status;
  r.error.reason = std::move(reason);
  r.error.head = std::move(head);
  return r;
}

}  // namespace

std::string canonical_header_name(std::string_view name) {
  if (name.size() == 1) {
    for (const auto& c : kCompact) {
      if (lower(name[0]) == c.letter) return std::string(c.name);
    }
  }
  for (const auto& k : kKnown) {
    if (iequals(k, name)) return std::string(k);
  }
  for (const auto& c : kCompact) {
    if (iequals(c.name, name)) return std::string(c.name);
  }
  return std::string(name);
}

std::optional<std::string_view> SipRequest::header(std::string_view name) const {
  const std::string want = canonical_header_name(name);
  for (const auto& [k, v] : headers) {
    if (iequals(k, want)) return std::string_view(v);
  }
  return std::nullopt;
}

std::vector<std::string_view> SipRequest::all(std::string_view name) const {
  const std::string want = canonical_header_name(name);
  std::vector<std::string_view> out;
  for (const auto& [k, v] : headers) {
    if (iequals(k, want)) out.emplace_back(v);
  }
  return out;
}

std::string parse_head(std::string_view head, SipRequest& out) {
  if (head.find('\0') != std::string_view::npos) return "NUL byte in the header section";
  size_t pos = head.find("\r\n");
  const std::string_view start = head.substr(0, pos);
  // Request-Line = Method SP Request-URI SP SIP-Version CRLF (RFC 3261 §7.1).
  const size_t sp1 = start.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : start.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return "malformed request line";
  const std::string_view method = start.substr(0, sp1);
  const std::string_view uri = start.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = start.substr(sp2 + 1);
  if (iequals(method, "SIP/2.0")) return "a response where a request was expected";
  if (!is_token(method) || method.size() > 32) return "malformed method";
  if (uri.empty() || uri.size() > kMaxUri || has_ctl(uri) || uri.find(' ') != uri.npos) {
    return "malformed Request-URI";
  }
  if (!iequals(version, "SIP/2.0")) return "unsupported SIP version";
  out.method = std::string(method);
  out.uri = std::string(uri);

  while (pos != std::string_view::npos) {
    const size_t begin = pos + 2;
    pos = head.find("\r\n", begin);
    const std::string_view line = head.substr(begin, pos == head.npos ? head.npos : pos - begin);
    if (line.find('\n') != line.npos || line.find('\r') != line.npos) {
      return "bare CR or LF inside a header line";
    }
    if (has_ctl(line)) return "control character in a header";
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      // Folded continuation (RFC 3261 §7.3.1): joined with one space.
      if (out.headers.empty()) return "continuation line before any header";
      out.headers.back().second += ' ';
      out.headers.back().second += trim(line);
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == line.npos) return "header line without a colon";
    const std::string_view name = trim(line.substr(0, colon));
    if (!is_token(name)) return "malformed header name";
    if (out.headers.size() >= kMaxHeaders) return "too many headers";
    out.headers.emplace_back(canonical_header_name(name),
                             std::string(trim(line.substr(colon + 1))));
  }
  return {};
}

SipFramer::Result SipFramer::next() {
  // RFC 3261 §7.5: CRLFs before the start line are ignored (also RFC 5626 keep-alives).
  size_t skip = 0;
  while (skip < buf_.size() && (buf_[skip] == '\r' || buf_[skip] == '\n')) ++skip;
  buf_.erase(0, skip);

  const size_t end = buf_.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (buf_.size() > kMaxHeaderSection) {
      return error(400, "header section larger than 16 KiB or not terminated by CRLFCRLF");
    }
    return {};
  }
  if (end > kMaxHeaderSection) return error(400, "header section larger than 16 KiB");
  const std::string head = buf_.substr(0, end);
  Result r;
  if (std::string err = parse_head(head, r.request); !err.empty()) {
    return error(400, std::move(err), head);
  }
  // RFC 3261 §18.3: on a stream, Content-Length is what delimits the body.
  const auto lengths = r.request.all("Content-Length");
  size_t length = 0;
  for (size_t i = 0; i < lengths.size(); ++i) {
    const auto n = parse_length(trim(lengths[i]));
    if (!n) return error(400, "malformed Content-Length", head);
    if (i > 0 && *n != length) return error(400, "conflicting Content-Length headers", head);
    length = *n;
  }
  if (length > kMaxSipBody) return error(413, "body larger than 64 KiB", head);
  if (buf_.size() - end - 4 < length) return {};
  r.request.body = buf_.substr(end + 4, length);
  buf_.erase(0, end + 4 + length);
  r.kind = Kind::Request;
  return r;
}

}  // namespace avedge::mras

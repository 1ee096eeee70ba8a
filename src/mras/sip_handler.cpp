#include "mras/sip_handler.hpp"

#include <openssl/rand.h>

#include <array>

#include "mras/events.hpp"

namespace avedge::mras {

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

std::string random_tag() {
  std::array<unsigned char, 8> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) b.fill(0x5a);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : b) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

bool has_tag(std::string_view to) {
  // The tag parameter follows the name-addr or addr-spec (RFC 3261 §20.39).
  const size_t gt = to.rfind('>');
  const std::string_view params = gt == std::string_view::npos ? to : to.substr(gt);
  for (size_t i = params.find(';'); i != std::string_view::npos; i = params.find(';', i + 1)) {
    std::string_view p = params.substr(i + 1);
    while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
    if (p.size() >= 4 && (p[0] == 't' || p[0] == 'T') && (p[1] == 'a' || p[1] == 'A') &&
        (p[2] == 'g' || p[2] == 'G') && (p[3] == '=' || p[3] == ' ')) {
      return true;
    }
  }
  return false;
}

std::string_view media_type(std::string_view ct) {
  const size_t semi = ct.find(';');
  if (semi != std::string_view::npos) ct = ct.substr(0, semi);
  while (!ct.empty() && (ct.back() == ' ' || ct.back() == '\t')) ct.remove_suffix(1);
  while (!ct.empty() && (ct.front() == ' ' || ct.front() == '\t')) ct.remove_prefix(1);
  return ct;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto l = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    if (l(a[i]) != l(b[i])) return false;
  }
  return true;
}

const char* status_reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Request Entity Too Large";
    case 415:
      return "Unsupported Media Type";
    default:
      return "Server Internal Error";
  }
}

void refuse_event(const Requester& who, Diag d, std::string_view reason) {
  log_refusal({{"channel", channel_name(who.channel)},
               {"requester", who.describe()},
               {"code", std::to_string(code_of(d))},
               {"reason", std::string(reason)}});
}

}  // namespace

std::string build_sip_response(const SipRequest& req, int status, std::string_view reason,
                               const Headers& extra, std::string_view content_type,
                               std::string_view body) {
  std::string out = "SIP/2.0 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  for (const auto& via : req.all("Via")) out += "Via: " + std::string(via) + "\r\n";
  if (auto from = req.header("From")) out += "From: " + std::string(*from) + "\r\n";
  if (auto to = req.header("To")) {
    out += "To: " + std::string(*to);
    if (!has_tag(*to)) out += ";tag=" + random_tag();
    out += "\r\n";
  }
  if (auto id = req.header("Call-ID")) out += "Call-ID: " + std::string(*id) + "\r\n";
  if (auto cseq = req.header("CSeq")) out += "CSeq: " + std::string(*cseq) + "\r\n";
  for (const auto& [k, v] : extra) out += k + ": " + v + "\r\n";
  out += "Server: avedge-mras\r\n";
  if (!body.empty()) out += "Content-Type: " + std::string(content_type) + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out += body;
  return out;
}

std::optional<std::string> handle_sip(const SipRequest& req, const Requester& who,
                                      const CredentialService& svc, Counters& counters,
                                      UnixSeconds now) {
  counters.sip_messages.fetch_add(1, std::memory_order_relaxed);
  if (req.method == "ACK") return std::nullopt;
  for (const char* h : {"Via", "From", "To", "Call-ID", "CSeq"}) {
    if (!req.header(h)) {
      counters.refuse(Diag::BadSipMessage);
      const std::string why = std::string("missing ") + h + " header";
      refuse_event(who, Diag::BadSipMessage, why);
      return build_sip_response(req, 400, "Bad Request",
                                {{"ms-diagnostics", svc.ms_diagnostics(Diag::BadSipMessage, why)}},
                                {}, {});
    }
  }
  // [MS-AVEDGEA] §3.1.5.1: only SERVICE, and only the MRAS content type; no XML body for these.
  if (req.method != "SERVICE") {
    counters.refuse(Diag::MethodNotAllowed);
    const std::string why = req.method + " is not SERVICE";
    refuse_event(who, Diag::MethodNotAllowed, why);
    return build_sip_response(
        req, 405, "Method Not Allowed",
        {{"Allow", "SERVICE"}, {"ms-diagnostics", svc.ms_diagnostics(Diag::MethodNotAllowed, why)}},
        {}, {});
  }
  const auto ct = req.header("Content-Type");
  if (!ct || !iequals(media_type(*ct), kContentType)) {
    counters.refuse(Diag::UnsupportedContentType);
    const std::string why = "Content-Type is not " + std::string(kContentType);
    refuse_event(who, Diag::UnsupportedContentType, why);
    return build_sip_response(
        req, 415, "Unsupported Media Type",
        {{"Accept", std::string(kContentType)},
         {"ms-diagnostics", svc.ms_diagnostics(Diag::UnsupportedContentType, why)}},
        {}, {});
  }
  const XmlOutcome o = svc.handle_xml(req.body, who, now);
  Headers extra;
  if (o.diag) extra.emplace_back("ms-diagnostics", svc.ms_diagnostics(*o.diag, o.reason));
  return build_sip_response(req, o.status, status_reason(o.status), extra, kContentType, o.body);
}

std::string handle_sip_error(const SipError& err, const CredentialService& svc,
                             Counters& counters) {
  counters.refuse(Diag::BadSipMessage);
  log_refusal({{"code", std::to_string(code_of(Diag::BadSipMessage))}, {"reason", err.reason}});
  if (err.status == 0) return {};
  SipRequest partial;
  (void)parse_head(err.head, partial);  // whatever headers parsed before the error
  return build_sip_response(
      partial, err.status, status_reason(err.status),
      {{"ms-diagnostics", svc.ms_diagnostics(Diag::BadSipMessage, err.reason)}}, {}, {});
}

}  // namespace avedge::mras

#include "probe/mras_client.hpp"

#include <httplib.h>

#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/crypto.hpp"
#include "mras/sip_message.hpp"
#include "mras/xml_codec.hpp"

namespace avedge::probe {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A header's value from a SIP header section (first line is the status line).
std::string header_value(std::string_view head, std::string_view want) {
  size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos) {
    const size_t start = pos + 2;
    const size_t end = head.find("\r\n", start);
    const std::string_view line =
        head.substr(start, end == std::string_view::npos ? end : end - start);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos && lower(line.substr(0, colon)) == want) {
      std::string_view v = line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      return std::string(v);
    }
    pos = end;
  }
  return {};
}

// RFC 9110 §15 reason phrases of the statuses the MRAS HTTP API sends.
const char* http_reason(int status) {
  switch (status) {
    case 200:
      return " OK";
    case 400:
      return " Bad Request";
    case 403:
      return " Forbidden";
    case 404:
      return " Not Found";
    case 415:
      return " Unsupported Media Type";
    case 500:
      return " Internal Server Error";
    default:
      return "";
  }
}

uint16_t to_port(std::string_view s) {
  unsigned v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && v <= 65535 ? static_cast<uint16_t>(v) : 0;
}

std::string sip_request(const MrasQuery& q) {
  std::array<uint8_t, 6> rnd{};
  crypto::random_bytes(rnd);
  const std::string id = crypto::hex(rnd);
  const std::string host = q.server.ip.to_string();
  const std::string domain = q.identity.substr(q.identity.find('@') + 1);
  mras::Request r;
  r.request_id = id;
  r.version = "2.0";
  r.from = q.identity;
  r.to = "sip:" + host + "@" + domain + ";gruu;opaque=srvr:MRAS";
  r.credentials.push_back({id, q.identity, mras::Location::Internet, q.minutes});
  const std::string body = mras::build_request(r);
  // [MS-AVEDGEA] §3.1.5: a SERVICE request carrying the XML body.
  return "SERVICE sip:" + host + ":" + std::to_string(q.server.port) + ";grid SIP/2.0\r\n" +
         "Via: SIP/2.0/" + (q.channel == MrasChannel::SipTls ? "TLS" : "TCP") +
         " 127.0.0.1:5999;branch=z9hG4bK" + id + "\r\nFrom: <" + q.identity + ">;tag=" + id +
         "\r\nTo: <" + r.to + ">\r\nCall-ID: probe-" + id +
         "\r\nCSeq: 1 SERVICE\r\nMax-Forwards: 70\r\nUser-Agent: avedge-probe\r\n" +
         "Content-Type: " + std::string(mras::kContentType) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

MrasAnswer ask_sip(const MrasQuery& q) {
  MrasAnswer a;
  std::string err;
  const bool tls = q.channel == MrasChannel::SipTls;
  auto s = Stream::connect(q.server, tls ? std::nullopt : q.source_ip, tls ? &q.tls : nullptr,
                           q.timeout_ms, err);
  if (!s) {
    a.transport_error = err;
    return a;
  }
  const std::string req = sip_request(q);
  if (!s->write_all(crypto::as_bytes(req))) {
    a.transport_error = s->error();
    return a;
  }
  std::string data;
  std::array<uint8_t, 4096> buf{};
  size_t head_end = std::string::npos;
  size_t need = 0;
  while (true) {
    if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != std::string::npos) {
      need = head_end + 4 + to_port(header_value(data.substr(0, head_end), "content-length"));
    }
    if (head_end != std::string::npos && data.size() >= need) break;
    const long n = s->read_some(buf, q.timeout_ms);
    if (n <= 0 || data.size() > mras::kMaxHeaderSection + mras::kMaxSipBody) {
      a.transport_error = "no complete SIP response: " + s->error();
      return a;
    }
    data.append(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(n));  // NOLINT
  }
  read_sip_response(std::string_view(data).substr(0, head_end),
                    std::string_view(data).substr(head_end + 4, need - head_end - 4), a);
  return a;
}

MrasAnswer ask_http(const MrasQuery& q) {
  MrasAnswer a;
  httplib::Client cli(q.server.ip.to_string(), q.server.port);
  const auto secs = std::chrono::milliseconds(q.timeout_ms);
  cli.set_connection_timeout(secs);
  cli.set_read_timeout(secs);
  const httplib::Params params{{"user", q.identity}, {"ttl", std::to_string(q.minutes * 60)}};
  const httplib::Headers headers{{"Authorization", "Bearer " + q.api_key}};
  auto res = cli.Get("/api/v1/turn-credentials", params, headers);
  if (!res) {
    a.transport_error = httplib::to_string(res.error());
    return a;
  }
  read_http_response(res->status, res->body, a);
  return a;
}

}  // namespace

const char* name(MrasChannel c) {
  switch (c) {
    case MrasChannel::SipTcp:
      return "SIP/TCP";
    case MrasChannel::SipTls:
      return "SIP/TLS";
    case MrasChannel::Http:
      return "HTTP";
  }
  return "?";
}

MrasAnswer ask_mras(const MrasQuery& q) {
  return q.channel == MrasChannel::Http ? ask_http(q) : ask_sip(q);
}

bool parse_ms_diagnostics(std::string_view header, unsigned& code, std::string& reason) {
  const auto r = std::from_chars(header.data(), header.data() + header.size(), code);
  if (r.ec != std::errc() || code < 1000) return false;
  reason.clear();
  const size_t at = header.find("reason=\"");
  if (at != std::string_view::npos) {
    const size_t end = header.find('"', at + 8);
    reason = std::string(header.substr(at + 8, end == std::string_view::npos ? end : end - at - 8));
  }
  return true;
}

void read_sip_response(std::string_view head, std::string_view body, MrasAnswer& out) {
  const std::string_view line = head.substr(0, head.find("\r\n"));
  const size_t sp = line.find(' ');
  if (sp == std::string_view::npos || !line.starts_with("SIP/2.0")) {
    out.transport_error = "not a SIP response: " + std::string(line.substr(0, 60));
    return;
  }
  out.status_text = std::string(line.substr(sp + 1));
  out.status = to_port(line.substr(sp + 1, 3));
  parse_ms_diagnostics(header_value(head, "ms-diagnostics"), out.diag_code, out.diag_reason);
  const auto xml = mras::parse_response(body);
  if (!xml) return;
  out.reason_phrase = std::string(mras::reason_phrase(xml->reason));
  if (out.status != 200 || xml->reason != mras::Reason::Ok || xml->credentials.empty()) return;
  const auto& c = xml->credentials.front();
  out.username = c.username;
  out.password = c.password;
  out.realm = c.realm;
  out.lifetime_s = c.duration_minutes * 60;
  for (const auto& r : c.relays) {
    if (r.location != mras::Location::Internet && !out.relay_host.empty()) continue;
    out.relay_host = r.host_name;
    out.udp_port = r.udp_port.value_or(0);
    out.tcp_port = r.tcp_port.value_or(0);
  }
  out.granted = !out.username.empty() && !out.relay_host.empty();
}

void read_http_response(int status, std::string_view body, MrasAnswer& out) {
  out.status = status;
  out.status_text = std::to_string(status) + http_reason(status);
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    if (status == 200) out.transport_error = "the HTTP answer is not JSON";
    return;
  }
  // Fields of the wrong type count as absent: hostile input must not throw.
  auto text = [&](const char* k) {
    const auto it = j.find(k);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto number = [&](const char* k) {
    const auto it = j.find(k);
    return it != j.end() && it->is_number_unsigned() ? it->get<uint32_t>() : 0U;
  };
  if (status != 200) {
    out.diag_code = number("code");
    out.diag_reason = text("reason");
    return;
  }
  out.username = text("username");
  out.password = text("password");
  out.lifetime_s = number("ttl");
  const auto uris = j.find("uris");
  if (uris == j.end() || !uris->is_array()) return;
  // "turn:HOST:PORT?transport=udp" (RFC 7065 §3.1)
  for (const auto& u : *uris) {
    if (!u.is_string()) continue;
    const std::string uri = u.get<std::string>();
    if (!uri.starts_with("turn:")) continue;
    const size_t q = uri.find('?');
    const std::string hostport = uri.substr(5, q == std::string::npos ? q : q - 5);
    const size_t colon = hostport.rfind(':');
    if (colon == std::string::npos) continue;
    out.relay_host = hostport.substr(0, colon);
    if (out.relay_host.size() > 2 && out.relay_host.front() == '[') {  // IPv6 literal
      out.relay_host = out.relay_host.substr(1, out.relay_host.size() - 2);
    }
    const uint16_t port = to_port(std::string_view(hostport).substr(colon + 1));
    if (uri.find("transport=tcp") != std::string::npos) {
      out.tcp_port = port;
    } else {
      out.udp_port = port;
    }
  }
  out.granted = !out.username.empty() && !out.password.empty() && !out.relay_host.empty();
}

}  // namespace avedge::probe

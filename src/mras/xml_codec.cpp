#include "mras/xml_codec.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <pugixml.hpp>

namespace avedge::mras {

namespace {

constexpr size_t kMaxNodes = 2000;
constexpr size_t kMaxIdLength = 64;     // §2.2.4.8 max64CharStringType
constexpr size_t kMaxUriLength = 1024;  // §2.2.4.11 mrasUriType: a restricted-length URI
constexpr uint32_t kMaxDurationMinutes = 180u * 24u * 60u;  // 180 days, the OCS maximum

std::string_view local_name(const char* qname) {
  std::string_view n(qname);
  const size_t colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

std::string_view prefix_of(const char* qname) {
  std::string_view n(qname);
  const size_t colon = n.find(':');
  return colon == std::string_view::npos ? std::string_view{} : n.substr(0, colon);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) {
             return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
           };
           return lower(x) == lower(y);
         });
}

bool contains_ci(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (iequals(hay.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

bool has_control_chars(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// Parses `body` into `doc` with the hostile-input limits of the header comment; "" when fine.
std::string load_safe(pugi::xml_document& doc, std::string_view body) {
  if (body.size() > kMaxBody) return "body larger than 64 KiB";
  if (body.empty()) return "empty body";
  // No DTD at all: pugixml never expands declared entities, but refusing them is clearer.
  if (contains_ci(body, "<!DOCTYPE") || contains_ci(body, "<!ENTITY")) {
    return "DOCTYPE and ENTITY declarations are not allowed";
  }
  const unsigned options = pugi::parse_default | pugi::parse_doctype;
  const pugi::xml_parse_result res =
      doc.load_buffer(body.data(), body.size(), options, pugi::encoding_utf8);
  if (!res) return std::string("not well-formed XML: ") + res.description();
  // Iterative walk: depth and node count, no recursion on attacker-controlled nesting.
  size_t nodes = 0;
  size_t depth = 0;
  pugi::xml_node n = doc.first_child();
  while (n) {
    if (n.type() == pugi::node_doctype) return "DOCTYPE is not allowed";
    if (++nodes > kMaxNodes) return "too many XML nodes";
    if (n.first_child()) {
      n = n.first_child();
      if (++depth >= kMaxDepth) return "XML nested deeper than 16 levels";
      continue;
    }
    while (n && !n.next_sibling()) {
      n = n.parent();
      if (n == doc) {
        n = pugi::xml_node();  // walked back to the document: done
        break;
      }
      --depth;
    }
    if (n) n = n.next_sibling();
  }
  return {};
}

// The document element, checked for name and (when declared) namespace.
pugi::xml_node root_named(const pugi::xml_document& doc, std::string_view name, std::string& err) {
  pugi::xml_node root = doc.document_element();
  if (!root || local_name(root.name()) != name) {
    err = "the document element is not <" + std::string(name) + ">";
    return {};
  }
  const std::string_view prefix = prefix_of(root.name());
  const std::string ns_attr = prefix.empty() ? "xmlns" : "xmlns:" + std::string(prefix);
  if (pugi::xml_attribute ns = root.attribute(ns_attr.c_str())) {
    if (std::string_view(ns.value()) != kNamespace) {
      err = "namespace is not " + std::string(kNamespace);
      return {};
    }
  }
  return root;
}

std::vector<pugi::xml_node> children_named(pugi::xml_node parent, std::string_view name) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c.name()) == name) out.push_back(c);
  }
  return out;
}

pugi::xml_node child_named(pugi::xml_node parent, std::string_view name) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c.name()) == name) return c;
  }
  return {};
}

std::string_view text_of(pugi::xml_node n) {
  return trim(n.text().get());
}

std::optional<std::string_view> attr(pugi::xml_node n, const char* name) {
  pugi::xml_attribute a = n.attribute(name);
  if (!a) return std::nullopt;
  return std::string_view(a.value());
}

template <typename T>
std::optional<T> parse_uint(std::string_view s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v > std::numeric_limits<T>::max()) {
    return std::nullopt;
  }
  return static_cast<T>(v);
}

bool valid_sip_uri(std::string_view u) {
  return !u.empty() && u.size() <= kMaxUriLength && !has_control_chars(u) &&
         (u.substr(0, 4) == "sip:" || u.substr(0, 5) == "sips:" ||
          iequals(u.substr(0, 4), "sip:") || iequals(u.substr(0, 5), "sips:"));
}

std::optional<Location> parse_location(std::string_view s) {
  if (iequals(s, "internet")) return Location::Internet;
  if (iequals(s, "intranet")) return Location::Intranet;
  return std::nullopt;
}

ParseResult fail(ParseResult r, Reason reason, std::string detail) {
  r.reason = reason;
  r.detail = std::move(detail);
  return r;
}

// §2.2.2.1.3: identity, location and duration of one credentialsRequest.
std::string parse_credentials_request(pugi::xml_node cr, CredentialsRequest& out) {
  auto id = attr(cr, "credentialsRequestID");
  if (!id || id->empty() || id->size() > kMaxIdLength || has_control_chars(*id)) {
    return "credentialsRequest lacks a valid credentialsRequestID";
  }
  out.id = std::string(*id);
  pugi::xml_node identity = child_named(cr, "identity");
  const std::string_view ident = text_of(identity);
  if (!identity || ident.empty() || ident.size() > kMaxUriLength || has_control_chars(ident)) {
    return "credentialsRequest lacks a valid identity";
  }
  out.identity = std::string(ident);
  pugi::xml_node location = child_named(cr, "location");
  const auto loc = parse_location(text_of(location));
  if (!location || !loc) return "location must be internet or intranet";
  out.location = *loc;
  if (pugi::xml_node duration = child_named(cr, "duration")) {
    const auto minutes = parse_uint<uint32_t>(text_of(duration));
    if (!minutes || *minutes == 0 || *minutes > kMaxDurationMinutes) {
      return "duration must be a positive number of minutes";
    }
    out.duration_minutes = *minutes;
  }
  return {};
}

class StringWriter : public pugi::xml_writer {
 public:
  void write(const void* data, size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
  std::string out;
};

std::string save(const pugi::xml_document& doc) {
  StringWriter w;
  doc.save(w, "", pugi::format_raw, pugi::encoding_utf8);
  return std::move(w.out);
}

void add_text(pugi::xml_node parent, const char* name, std::string_view value) {
  parent.append_child(name).text().set(std::string(value).c_str());
}

}  // namespace

std::string_view reason_phrase(Reason r) {
  static constexpr std::array<std::string_view, 10> kPhrases{"OK",
                                                             "Request Malformed",
                                                             "Request Too Large",
                                                             "Not Supported",
                                                             "Server Busy",
                                                             "Time Out",
                                                             "Forbidden",
                                                             "Internal Server Error",
                                                             "Other Failure",
                                                             "Version Mismatch"};
  return kPhrases[static_cast<size_t>(r)];
}

std::string_view location_name(Location l) {
  return l == Location::Internet ? "internet" : "intranet";
}

bool version_supported(std::string_view v) {
  return v == "1.0" || v == "2.0";
}

std::string mismatch_version(std::string_view client_version) {
  // Compare as numbers; anything unreadable, or below 1.0, gets the server's highest.
  double v = 0;
  auto [p, ec] =
      std::from_chars(client_version.data(), client_version.data() + client_version.size(), v);
  if (ec != std::errc{} || p == client_version.data()) return "2.0";
  if (v > 2.0) return "2.0";
  if (v > 1.0) return "1.0";
  return "2.0";
}

ParseResult parse_request(std::string_view body) {
  ParseResult r;
  pugi::xml_document doc;
  if (std::string err = load_safe(doc, body); !err.empty()) {
    return fail(std::move(r),
                body.size() > kMaxBody ? Reason::RequestTooLarge : Reason::RequestMalformed,
                std::move(err));
  }
  std::string err;
  pugi::xml_node root = root_named(doc, "request", err);
  if (!root) return fail(std::move(r), Reason::RequestMalformed, std::move(err));

  // §2.2.2.1.2: requestID, version, to and from are required.
  auto request_id = attr(root, "requestID");
  auto version = attr(root, "version");
  auto to = attr(root, "to");
  auto from = attr(root, "from");
  if (!request_id || request_id->empty() || request_id->size() > kMaxIdLength ||
      has_control_chars(*request_id)) {
    return fail(std::move(r), Reason::RequestMalformed, "request lacks a valid requestID");
  }
  r.request.request_id = std::string(*request_id);
  if (!to || !valid_sip_uri(*to) || !from || !valid_sip_uri(*from)) {
    return fail(std::move(r), Reason::RequestMalformed, "to and from must be SIP URIs");
  }
  r.request.to = std::string(*to);
  r.request.from = std::string(*from);
  if (!version || version->empty() || version->size() > 16 || has_control_chars(*version)) {
    return fail(std::move(r), Reason::RequestMalformed, "request lacks a version");
  }
  r.request.version = std::string(*version);
  if (!version_supported(*version)) {
    return fail(std::move(r), Reason::VersionMismatch,
                "version " + r.request.version + " is not supported (1.0, 2.0)");
  }

  const auto crs = children_named(root, "credentialsRequest");
  if (crs.empty()) {
    return fail(std::move(r), Reason::RequestMalformed, "request holds no credentialsRequest");
  }
  // §3.1.5.1.1: too many credentialsRequest is "Request Too Large", not malformed.
  if (crs.size() > kMaxCredentialsRequests) {
    return fail(std::move(r), Reason::RequestTooLarge, "more than 100 credentialsRequest elements");
  }
  for (pugi::xml_node cr : crs) {
    CredentialsRequest c;
    if (std::string e = parse_credentials_request(cr, c); !e.empty()) {
      r.request.credentials.clear();
      return fail(std::move(r), Reason::RequestMalformed, std::move(e));
    }
    r.request.credentials.push_back(std::move(c));
  }
  return r;
}

Response error_response(const ParseResult& failed) {
  Response resp;
  resp.reason = failed.reason;
  if (failed.reason == Reason::RequestMalformed) {
    // §2.2.3.1.2: no requestID/to/from; §3.1.5.2.2: the server's version.
    resp.version = "2.0";
    return resp;
  }
  resp.version = failed.reason == Reason::VersionMismatch ? mismatch_version(failed.request.version)
                                                          : failed.request.version;
  if (!version_supported(resp.version)) resp.version = "2.0";
  resp.request_id = failed.request.request_id;
  resp.to = failed.request.to;
  resp.from = failed.request.from;
  return resp;
}

std::string build_response(const Response& r) {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  pugi::xml_node root = doc.append_child("response");
  root.append_attribute("xmlns") = std::string(kNamespace).c_str();
  if (r.request_id) root.append_attribute("requestID") = r.request_id->c_str();
  root.append_attribute("version") = r.version.c_str();
  if (r.to) root.append_attribute("to") = r.to->c_str();
  if (r.from) root.append_attribute("from") = r.from->c_str();
  root.append_attribute("reasonPhrase") = std::string(reason_phrase(r.reason)).c_str();
  for (const CredentialsResponse& c : r.credentials) {
    pugi::xml_node cr = root.append_child("credentialsResponse");
    cr.append_attribute("credentialsRequestID") = c.id.c_str();
    pugi::xml_node creds = cr.append_child("credentials");
    add_text(creds, "username", c.username);
    add_text(creds, "password", c.password);
    add_text(creds, "duration", std::to_string(c.duration_minutes));
    if (!c.realm.empty()) add_text(creds, "realm", c.realm);
    pugi::xml_node list = cr.append_child("mediaRelayList");
    for (const MediaRelay& m : c.relays) {
      pugi::xml_node relay = list.append_child("mediaRelay");
      add_text(relay, "location", location_name(m.location));
      add_text(relay, "hostName", m.host_name);
      if (m.udp_port) add_text(relay, "udpPort", std::to_string(*m.udp_port));
      if (m.tcp_port) add_text(relay, "tcpPort", std::to_string(*m.tcp_port));
    }
  }
  return save(doc);
}

std::string build_request(const Request& r) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("request");
  root.append_attribute("requestID") = r.request_id.c_str();
  root.append_attribute("version") = r.version.c_str();
  root.append_attribute("to") = r.to.c_str();
  root.append_attribute("from") = r.from.c_str();
  root.append_attribute("xmlns") = std::string(kNamespace).c_str();
  for (const CredentialsRequest& c : r.credentials) {
    pugi::xml_node cr = root.append_child("credentialsRequest");
    cr.append_attribute("credentialsRequestID") = c.id.c_str();
    add_text(cr, "identity", c.identity);
    add_text(cr, "location", location_name(c.location));
    if (c.duration_minutes) add_text(cr, "duration", std::to_string(*c.duration_minutes));
  }
  return save(doc);
}

std::optional<Response> parse_response(std::string_view body) {
  pugi::xml_document doc;
  if (!load_safe(doc, body).empty()) return std::nullopt;
  std::string err;
  pugi::xml_node root = root_named(doc, "response", err);
  if (!root) return std::nullopt;
  Response r;
  const auto phrase = attr(root, "reasonPhrase");
  const auto version = attr(root, "version");
  if (!phrase || !version) return std::nullopt;
  bool known = false;
  for (uint8_t i = 0; i <= static_cast<uint8_t>(Reason::VersionMismatch); ++i) {
    if (reason_phrase(static_cast<Reason>(i)) == *phrase) {
      r.reason = static_cast<Reason>(i);
      known = true;
    }
  }
  if (!known) return std::nullopt;
  r.version = std::string(*version);
  if (auto v = attr(root, "requestID")) r.request_id = std::string(*v);
  if (auto v = attr(root, "to")) r.to = std::string(*v);
  if (auto v = attr(root, "from")) r.from = std::string(*v);
  for (pugi::xml_node crn : children_named(root, "credentialsResponse")) {
    CredentialsResponse c;
    c.id = std::string(attr(crn, "credentialsRequestID").value_or(""));
    pugi::xml_node creds = child_named(crn, "credentials");
    if (!creds) return std::nullopt;
    c.username = std::string(text_of(child_named(creds, "username")));
    c.password = std::string(text_of(child_named(creds, "password")));
    c.realm = std::string(text_of(child_named(creds, "realm")));
    const auto d = parse_uint<uint32_t>(text_of(child_named(creds, "duration")));
    if (!d) return std::nullopt;
    c.duration_minutes = *d;
    for (pugi::xml_node m : children_named(child_named(crn, "mediaRelayList"), "mediaRelay")) {
      MediaRelay relay;
      const auto loc = parse_location(text_of(child_named(m, "location")));
      if (!loc) return std::nullopt;
      relay.location = *loc;
      relay.host_name = std::string(text_of(child_named(m, "hostName")));
      if (relay.host_name.empty()) {
        relay.host_name = std::string(text_of(child_named(m, "directIPAddress")));
      }
      if (pugi::xml_node u = child_named(m, "udpPort"))
        relay.udp_port = parse_uint<uint16_t>(text_of(u));
      if (pugi::xml_node t = child_named(m, "tcpPort"))
        relay.tcp_port = parse_uint<uint16_t>(text_of(t));
      c.relays.push_back(std::move(relay));
    }
    r.credentials.push_back(std::move(c));
  }
  return r;
}

}  // namespace avedge::mras

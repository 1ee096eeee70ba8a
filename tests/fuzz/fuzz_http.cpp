// libFuzzer target: the HTTP request handling we own (issue 6 item 1): the pure MRAS HTTP
// handler (mras/http_handler.hpp) and the admin API's router (admin/admin_routes.hpp), which
// cpp-httplib hands every request to. The input is a raw
// HTTP/1.1 request (the corpus holds real ones); it is cut into method, path, query, headers
// and body the way a transport would, then handled. Checks: a status from 200 to 599, a JSON
// body that parses for every JSON answer, no secret key echoed, the same answer twice; for the
// admin API, nothing but 401 without the exact bearer token.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "admin/admin_routes.hpp"
#include "mras/http_handler.hpp"

namespace {

using avedge::mras::HttpRequest;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string_view next_line(std::string_view& in) {
  const size_t end = in.find('\n');
  std::string_view line = in.substr(0, end);
  in.remove_prefix(end == std::string_view::npos ? in.size() : end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

HttpRequest parse(std::string_view in) {
  HttpRequest r;
  std::string_view line = next_line(in);
  const size_t sp1 = line.find(' ');
  r.method = std::string(line.substr(0, sp1));
  std::string_view target = sp1 == std::string_view::npos ? "" : line.substr(sp1 + 1);
  target = target.substr(0, target.find(' '));
  const size_t q = target.find('?');
  r.path = decode(target.substr(0, q));
  std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view kv = query.substr(0, amp);
    const size_t eq = kv.find('=');
    r.query.emplace_back(decode(kv.substr(0, eq)),
                         eq == std::string_view::npos ? "" : decode(kv.substr(eq + 1)));
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
  }
  for (line = next_line(in); !line.empty(); line = next_line(in)) {
    const size_t colon = line.find(':');
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  r.body = std::string(in);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace avedge::mras;
  static Counters counters;
  static const CredentialService svc = [] {
    avedge::config::Topology t;
    auto S = [](const char* v) { return avedge::config::Located<std::string>{std::string(v)}; };
    t.sip_domains = {S("contoso.com")};
    t.default_routing_domain = S("contoso.com");
    avedge::config::EdgePool p;
    p.name = S("EDGEPOOL01");
    p.public_fqdn = S("av1.contoso.com");
    p.internal_fqdn = S("edge01.contoso.local");
    p.authorized_internal_servers.push_back(S("pool01.contoso.com"));
    p.token_lifetime = {avedge::Seconds{8 * 3600}};
    p.secrets.push_back({S("k1"), S("0123456789abcdef0123456789abcdef")});
    t.edge_pools.push_back(p);
    avedge::config::FrontendPool f;
    f.name = S("POOL01");
    f.fqdn = S("pool01.contoso.com");
    f.edge_pool = S("EDGEPOOL01");
    f.api_key = S("key-pool01-0123456789");
    t.frontend_pools.push_back(f);
    t.this_pool = S("EDGEPOOL01");
    return CredentialService(t, "avedge.local", counters);
  }();
  constexpr avedge::UnixSeconds kNow = 1'700'000'000;

  const HttpRequest req = parse(std::string_view(reinterpret_cast<const char*>(data), size));
  const HttpAnswer a = handle_mras_http(svc, counters, req, kNow);
  check(a.status >= 200 && a.status <= 599);
  if (a.content_type == "application/json") check(nlohmann::json::accept(a.body));
  // The pool key never leaks into an answer (unless the request itself carried it).
  constexpr std::string_view kKey = "0123456789abcdef0123456789abcdef";
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check(a.body.find(kKey) == std::string::npos || input.find(kKey) != std::string_view::npos);
  const HttpAnswer b = handle_mras_http(svc, counters, req, kNow);
  check(a.status == b.status && a.body.size() == b.body.size());

  // The admin API with a token: every path, /healthz included, needs it.
  using avedge::admin::AdminAction;
  static const avedge::admin::AdminOptions opt = [] {
    avedge::admin::AdminOptions o;
    o.token = "fuzz-admin-token-0123456789";
    o.require_token = true;
    return o;
  }();
  const AdminAction r = avedge::admin::route_admin(opt, req);
  const bool has_token = req.header("Authorization") == "Bearer " + opt.token;
  if (!has_token) check(r.kind == AdminAction::Kind::Answer && r.answer.status == 401);
  if (r.kind == AdminAction::Kind::Answer) {
    check(r.answer.status >= 200 && r.answer.status <= 599);
    if (r.answer.content_type == "application/json") check(nlohmann::json::accept(r.answer.body));
  }
  if (r.kind == AdminAction::Kind::Explain)
    check(!r.user.empty() && r.limit >= 1 && r.limit <= 500);
  if (r.kind == AdminAction::Kind::Drain && r.deadline) check(r.deadline->count() > 0);
  return 0;
}

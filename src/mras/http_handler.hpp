// The HTTP request handling we own, as a pure function (issue 6 item 1): method, path, query,
// headers and body in; status, headers and body out. cpp-httplib stays the transport
// (http_server.cpp, admin/admin_server.cpp) and only converts; the fuzz target
// tests/fuzz/fuzz_http.cpp calls these functions directly.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "mras/credential_service.hpp"

namespace avedge::mras {

struct HttpRequest {
  std::string method;                                        // "GET", "POST", ...
  std::string path;                                          // without the query
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names compared case-insensitively
  std::string body;

  // The first value of a query parameter or header; "" when absent.
  [[nodiscard]] bool has_param(std::string_view name) const;
  [[nodiscard]] std::string param(std::string_view name) const;
  [[nodiscard]] std::string header(std::string_view name) const;
};

struct HttpAnswer {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// MRAS over HTTP: POST /mras and /api/v1/mras ([MS-AVEDGEA] XML), GET /api/v1/turn-credentials
// (TURN REST JSON); other paths 404, other methods 405. Counts into `counters`.
HttpAnswer handle_mras_http(const CredentialService& svc, Counters& counters,
                            const HttpRequest& req, UnixSeconds now);

// The API key of a request: `Authorization: Bearer <key>` or `X-Api-Key: <key>`; "" if none.
std::string api_key_of(std::string_view authorization, std::string_view x_api_key);

}  // namespace avedge::mras

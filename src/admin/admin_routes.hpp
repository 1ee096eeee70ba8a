// The admin API's request handling as a pure function (issue 6 item 1): the bearer token,
// routing and every parameter are decided here from method, path, query and headers; what is
// left for AdminServer is the action on the running edge. cpp-httplib stays the transport;
// tests/fuzz/fuzz_http.cpp calls route_admin directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "admin/admin_server.hpp"
#include "core/clock.hpp"
#include "mras/http_handler.hpp"

namespace avedge::admin {

struct AdminAction {
  enum class Kind : uint8_t {
    Answer,  // `answer` is the whole reply (healthz, 401, 400, 404, 405)
    Readyz,
    Metrics,
    MetricsJson,
    Sessions,
    DeleteSession,  // session_id
    Explain,        // user, limit
    Drain,          // deadline
    Undrain,
    Reload,  // dry_run
  };
  Kind kind = Kind::Answer;
  mras::HttpAnswer answer;
  uint32_t session_id = 0;
  std::string user;
  size_t limit = 0;
  std::optional<Seconds> deadline;
  bool dry_run = false;
};

AdminAction route_admin(const AdminOptions& opt, const mras::HttpRequest& req);

}  // namespace avedge::admin

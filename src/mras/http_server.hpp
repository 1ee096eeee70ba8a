// MRAS over HTTP for web apps (issue 3 item 6): POST /mras (or /api/v1/mras) with the
// [MS-AVEDGEA] XML, and GET /api/v1/turn-credentials?user=...&ttl=... returning TURN REST JSON
// {username, password, ttl, uris}. Callers authenticate with `Authorization: Bearer <key>` or
// `X-Api-Key: <key>`, matched against frontend_pool.api_key. Runs cpp-httplib on its own thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "mras/credential_service.hpp"
#include "mras/http_handler.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace avedge::mras {

// Runs `s` (bound already) on a new thread and returns once it is running: httplib's stop()
// only ends a running server, so a stop() that came sooner would leave the thread blocked in
// accept() and its join() hanging (seen when `serve` failed to bind a listener right after).
std::thread listen_in_thread(httplib::Server& s);

class HttpServer {
 public:
  HttpServer(const CredentialService& svc, Counters& counters);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds (port 0: ephemeral) and starts the server thread; returns the bound port.
  // Throws std::runtime_error when the address cannot be bound.
  uint16_t start(const Endpoint& at);
  void stop();

 private:
  // Converts to and from the pure handler (http_handler.hpp).
  void serve(const httplib::Request& req, httplib::Response& res) const;

  const CredentialService& svc_;
  Counters& counters_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

// cpp-httplib's request as the pure handlers' input, and their answer into its response.
HttpRequest to_http_request(const httplib::Request& q);
void apply_answer(const HttpAnswer& a, httplib::Response& res);

}  // namespace avedge::mras

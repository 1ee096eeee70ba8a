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

// Binds `s` to `at` (port 0: ephemeral), runs it on `thread` and returns the bound port once it
// is running (the admin API and MRAS over HTTP). Refuses a port another process listens on:
// httplib binds with SO_REUSEPORT, which would share it (core/port_probe.hpp). Waits for the
// server to run because httplib's stop() only ends a running server: a stop() that came sooner
// left the thread in accept() and its join() hanging (when `serve` failed to bind a listener
// right after). Throws std::runtime_error "WHAT cannot bind ADDR[: why]".
uint16_t start_http(httplib::Server& s, const Endpoint& at, const std::string& what,
                    std::thread& thread);

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

// MRAS, the Media Relay Authentication Service (issue 3; [MS-AVEDGEA]): SIP SERVICE over TCP
// and TLS on its own io_context thread, HTTP (XML and TURN REST JSON) on its own thread, both
// answering from one CredentialService built from the config's topology.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "mras/counters.hpp"

namespace asio {
class io_context;
}

namespace avedge::mras {

class CredentialService;
class SipServer;
class HttpServer;

class Service {
 public:
  // Reads cfg.topology (pools, front ends, mras.sip_listen, mras.http_listen), cfg.realm and
  // cfg.tls (certificate for tls:// listeners; also the trust anchor for client certificates).
  explicit Service(const config::Config& cfg);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Binds every listener and starts the threads; throws std::runtime_error or
  // std::system_error naming what failed. Nothing to do when no listener is configured.
  void start();
  void stop();

  // Bound ports, in the order of mras.sip_listen; the HTTP port when mras.http_listen is set.
  [[nodiscard]] const std::vector<uint16_t>& sip_ports() const { return sip_ports_; }
  [[nodiscard]] std::optional<uint16_t> http_port() const { return http_port_; }
  [[nodiscard]] const Counters& counters() const { return *counters_; }
  [[nodiscard]] bool enabled() const;

 private:
  config::Config cfg_;
  std::unique_ptr<Counters> counters_;
  std::unique_ptr<CredentialService> svc_;
  std::unique_ptr<asio::io_context> io_;
  std::unique_ptr<SipServer> sip_;
  std::unique_ptr<HttpServer> http_;
  std::thread io_thread_;
  std::vector<uint16_t> sip_ports_;
  std::optional<uint16_t> http_port_;
};

}  // namespace avedge::mras

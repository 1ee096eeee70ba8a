// MRAS over SIP on TCP and TLS (issue 3 item 4; RFC 3261 §18.3 framing): accepts connections on
// an asio io_context, frames requests with SipFramer, answers each with handle_sip. A connection
// idle for 60 s, or one that sends a framing error, is closed.
#pragma once

#include <memory>
#include <vector>

#include <asio.hpp>
#include <asio/ssl.hpp>

#include "config/model_basics.hpp"
#include "mras/credential_service.hpp"

namespace avedge::mras {

class SipServer {
 public:
  // `tls` may be null when no tls:// listener is configured.
  SipServer(asio::io_context& io, const CredentialService& svc, Counters& counters,
            std::shared_ptr<asio::ssl::context> tls);
  ~SipServer();
  SipServer(const SipServer&) = delete;
  SipServer& operator=(const SipServer&) = delete;

  // Binds and starts accepting; returns the bound port (port 0: an ephemeral one).
  // Throws std::system_error when the address cannot be bound.
  uint16_t listen(const config::Listener& l);
  // Closes the acceptors; sessions end when the io_context stops.
  void close();

 private:
  struct Acceptor;
  void accept(const std::shared_ptr<Acceptor>& a);

  asio::io_context& io_;
  const CredentialService& svc_;
  Counters& counters_;
  std::shared_ptr<asio::ssl::context> tls_;
  std::vector<std::shared_ptr<Acceptor>> acceptors_;
};

}  // namespace avedge::mras

// One TCP listening socket of a worker (SO_REUSEPORT) for tcp://, tls:// or tcp+tls://.
// tcp+tls:// peeks at the first byte of each connection: 0x16 (a TLS handshake record,
// RFC 8446 §5.1) means TLS; anything else is plain STUN/TURN over TCP (RFC 7983 ranges).
#pragma once

#include <memory>

#include <asio.hpp>
#include <asio/ssl.hpp>

#include "config/config.hpp"
#include "core/address.hpp"
#include "net/packet_sink.hpp"
#include "net/stream_connection.hpp"

namespace avedge::net {

class TcpAcceptor {
 public:
  // Binds and listens; throws std::system_error when the address cannot be bound.
  TcpAcceptor(asio::io_context& io, config::ListenerKind kind, const Endpoint& bind_to,
              std::shared_ptr<asio::ssl::context> tls, PacketSink& sink, StreamLimits limits = {});
  TcpAcceptor(const TcpAcceptor&) = delete;
  TcpAcceptor& operator=(const TcpAcceptor&) = delete;

  void start() { accept(); }
  void close();
  [[nodiscard]] const Endpoint& local() const { return local_; }
  [[nodiscard]] config::ListenerKind kind() const { return kind_; }
  // Reload (issue 6 item 7): new TLS handshakes use this context; open connections keep theirs.
  void set_tls(std::shared_ptr<asio::ssl::context> tls) { tls_ = std::move(tls); }

 private:
  void accept();
  void on_accepted(asio::ip::tcp::socket s);
  void peek_then_start(asio::ip::tcp::socket s, ConnectionTicket ticket);
  void start_connection(asio::ip::tcp::socket s, bool tls, ConnectionTicket ticket);

  asio::io_context& io_;
  config::ListenerKind kind_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  Endpoint local_;
  std::shared_ptr<asio::ssl::context> tls_;
  PacketSink& sink_;
  StreamLimits limits_;
};

}  // namespace avedge::net

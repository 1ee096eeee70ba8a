#include "net/tcp_acceptor.hpp"

#include <sys/socket.h>

#include <spdlog/spdlog.h>

#include "net/endpoint_conv.hpp"
#include "net/socket_options.hpp"
#include "net/stream_connection.hpp"

namespace avedge::net {

namespace {
constexpr int kBacklog = 1024;
constexpr uint8_t kTlsHandshakeRecord = 0x16;  // RFC 8446 §5.1 ContentType handshake(22)
}  // namespace

TcpAcceptor::TcpAcceptor(asio::io_context& io, config::ListenerKind kind, const Endpoint& bind_to,
                         std::shared_ptr<asio::ssl::context> tls, PacketSink& sink,
                         StreamLimits limits)
    : io_(io),
      kind_(kind),
      acceptor_(io),
      retry_(io),
      tls_(std::move(tls)),
      sink_(sink),
      limits_(std::move(limits)) {
  const auto ep = to_asio<asio::ip::tcp::endpoint>(bind_to);
  acceptor_.open(ep.protocol());
  const int fd = acceptor_.native_handle();
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  if (!set_reuseport(fd)) throw std::system_error(errno, std::generic_category(), "SO_REUSEPORT");
  set_v6only(fd, bind_to.ip.family);
  acceptor_.bind(ep);
  acceptor_.listen(kBacklog);
  local_ = from_asio(acceptor_.local_endpoint());
}

void TcpAcceptor::close() {
  asio::error_code ec;
  retry_.cancel();
  acceptor_.close(ec);
}

void TcpAcceptor::accept() {
  acceptor_.async_accept([this](const asio::error_code& ec, asio::ip::tcp::socket s) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      // EMFILE and friends: wait a little instead of spinning.
      spdlog::warn("accept on {}: {}", local_.to_string(), ec.message());
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([this](const asio::error_code& e) {
        if (!e) accept();
      });
      return;
    }
    on_accepted(std::move(s));
    accept();
  });
}

void TcpAcceptor::on_accepted(asio::ip::tcp::socket s) {
  ConnectionTicket ticket;
  if (limits_.counters) {
    asio::error_code ec;
    const auto remote = s.remote_endpoint(ec);
    if (ec) return;  // already gone
    ticket = limits_.counters->admit(from_asio(remote).ip);
    if (!ticket.valid()) {
      // Over [limits] connections_total or connections_per_ip: close at once (counted).
      s.close(ec);
      return;
    }
  }
  const int fd = s.native_handle();
  set_nodelay(fd);
  set_buffers(fd);
  switch (kind_) {
    case config::ListenerKind::Tcp:
      start_connection(std::move(s), false, std::move(ticket));
      break;
    case config::ListenerKind::Tls:
      start_connection(std::move(s), true, std::move(ticket));
      break;
    default:
      peek_then_start(std::move(s), std::move(ticket));
      break;
  }
}

void TcpAcceptor::peek_then_start(asio::ip::tcp::socket s, ConnectionTicket ticket) {
  struct Pending {
    Pending(asio::ip::tcp::socket sock, asio::io_context& io, ConnectionTicket t)
        : s(std::move(sock)), timer(io), ticket(std::move(t)) {}
    asio::ip::tcp::socket s;
    asio::steady_timer timer;
    ConnectionTicket ticket;
  };
  auto p = std::make_shared<Pending>(std::move(s), io_, std::move(ticket));
  p->timer.expires_after(kTlsHandshakeDeadline);
  p->timer.async_wait([this, p](const asio::error_code& ec) {
    if (!ec) {
      asio::error_code ignored;
      p->s.close(ignored);  // silent client: give up
      if (limits_.counters) limits_.counters->count_close(StreamClose::FirstFrame);
    }
  });
  p->s.async_wait(asio::socket_base::wait_read, [this, p](const asio::error_code& ec) {
    p->timer.cancel();
    if (ec || !p->s.is_open()) return;
    uint8_t first = 0;
    const ssize_t n = ::recv(p->s.native_handle(), &first, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n != 1) return;  // closed or reset before a byte: nothing to serve
    start_connection(std::move(p->s), first == kTlsHandshakeRecord, std::move(p->ticket));
  });
}

void TcpAcceptor::start_connection(asio::ip::tcp::socket s, bool tls, ConnectionTicket ticket) {
  asio::error_code ec1;
  asio::error_code ec2;
  const auto remote = s.remote_endpoint(ec1);
  const auto local = s.local_endpoint(ec2);
  if (ec1 || ec2) return;  // already gone
  turn::ClientTuple t{tls ? turn::Transport::Tls : turn::Transport::Tcp, from_asio(remote),
                      from_asio(local), sink_.next_conn_id()};
  std::shared_ptr<StreamConnection> c;
  if (tls) {
    if (!tls_) return;
    c = std::make_shared<StreamConnectionImpl<TlsStream>>(TlsStream(std::move(s), *tls_), t, sink_,
                                                          limits_, std::move(ticket));
  } else {
    c = std::make_shared<StreamConnectionImpl<asio::ip::tcp::socket>>(std::move(s), t, sink_,
                                                                      limits_, std::move(ticket));
  }
  sink_.on_stream_open(c);
  c->start();
}

}  // namespace avedge::net

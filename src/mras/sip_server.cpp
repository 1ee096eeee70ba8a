#include "mras/sip_server.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <chrono>

#include "mras/sip_handler.hpp"
#include "mras/tls_identity.hpp"

namespace avedge::mras {

namespace {

constexpr auto kIdle = std::chrono::seconds(60);

UnixSeconds unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<IpAddress> to_ip(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return IpAddress::parse(asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string());
  }
  return IpAddress::parse(a.to_string());
}

// One connection: read, frame, answer, in order. Stream is tcp::socket or ssl::stream of it.
template <typename Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, Requester who, const CredentialService& svc, Counters& counters)
      : stream_(std::move(stream)),
        timer_(stream_.get_executor()),
        who_(std::move(who)),
        svc_(svc),
        counters_(counters) {}

  void start() {
    arm_timer();  // also bounds the TLS handshake
    if constexpr (std::is_same_v<Stream, asio::ip::tcp::socket>) {
      read();
    } else {
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](const asio::error_code& ec) {
                                if (ec) {
                                  spdlog::debug("MRAS TLS handshake failed: {}", ec.message());
                                  return self->shutdown();
                                }
                                self->who_.cert_names =
                                    verified_peer_names(self->stream_.native_handle());
                                self->read();
                              });
    }
  }

 private:
  void arm_timer() {
    timer_.expires_after(kIdle);
    timer_.async_wait([self = this->shared_from_this()](const asio::error_code& ec) {
      if (!ec) self->shutdown();
    });
  }

  void read() {
    stream_.async_read_some(asio::buffer(buf_), [self = this->shared_from_this()](
                                                    const asio::error_code& ec, size_t n) {
      if (ec) return self->shutdown();
      self->arm_timer();
      self->framer_.feed(std::string_view(self->buf_.data(), n));
      self->drain();
    });
  }

  // Answers every complete request in the buffer, then reads again (or closes on error).
  void drain() {
    std::string out;
    bool close = false;
    for (;;) {
      SipFramer::Result r = framer_.next();
      if (r.kind == SipFramer::Kind::Need) break;
      if (r.kind == SipFramer::Kind::Error) {
        out += handle_sip_error(r.error, svc_, counters_);
        close = true;
        break;
      }
      if (auto reply = handle_sip(r.request, who_, svc_, counters_, unix_now())) out += *reply;
    }
    if (out.empty()) {
      if (close) return shutdown();
      return read();
    }
    pending_ = std::move(out);
    asio::async_write(stream_, asio::buffer(pending_),
                      [self = this->shared_from_this(), close](const asio::error_code& ec, size_t) {
                        if (ec || close) return self->shutdown();
                        self->read();
                      });
  }

  void shutdown() {
    timer_.cancel();
    asio::error_code ec;
    lowest().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    lowest().close(ec);
  }

  asio::ip::tcp::socket& lowest() {
    if constexpr (std::is_same_v<Stream, asio::ip::tcp::socket>) {
      return stream_;
    } else {
      return stream_.next_layer();
    }
  }

  Stream stream_;
  asio::steady_timer timer_;
  Requester who_;
  const CredentialService& svc_;
  Counters& counters_;
  SipFramer framer_;
  std::array<char, 4096> buf_{};
  std::string pending_;
};

}  // namespace

struct SipServer::Acceptor {
  asio::ip::tcp::acceptor acceptor;
  bool tls = false;
};

SipServer::SipServer(asio::io_context& io, const CredentialService& svc, Counters& counters,
                     std::shared_ptr<asio::ssl::context> tls)
    : io_(io), svc_(svc), counters_(counters), tls_(std::move(tls)) {}

SipServer::~SipServer() {
  close();
}

uint16_t SipServer::listen(const config::Listener& l) {
  const bool tls = l.kind == config::ListenerKind::Tls;
  if (tls && !tls_) throw std::runtime_error("MRAS tls:// listener without a TLS certificate");
  const asio::ip::address addr = asio::ip::make_address(l.endpoint.ip.to_string());
  const asio::ip::tcp::endpoint ep(addr, l.endpoint.port);
  auto a = std::make_shared<Acceptor>(Acceptor{asio::ip::tcp::acceptor(io_), tls});
  a->acceptor.open(ep.protocol());
  a->acceptor.set_option(asio::socket_base::reuse_address(true));
  a->acceptor.bind(ep);
  a->acceptor.listen();
  acceptors_.push_back(a);
  accept(a);
  const uint16_t port = a->acceptor.local_endpoint().port();
  spdlog::info("MRAS SIP listening on {}://{}:{}", tls ? "tls" : "tcp", addr.to_string(), port);
  return port;
}

void SipServer::close() {
  for (auto& a : acceptors_) {
    asio::error_code ec;
    a->acceptor.close(ec);
  }
}

void SipServer::accept(const std::shared_ptr<Acceptor>& a) {
  a->acceptor.async_accept([this, a](const asio::error_code& ec, asio::ip::tcp::socket sock) {
    if (ec == asio::error::operation_aborted || !a->acceptor.is_open()) return;
    if (!ec) {
      Requester who;
      asio::error_code ep_ec;
      const auto remote = sock.remote_endpoint(ep_ec);
      if (!ep_ec) who.address = to_ip(remote.address());
      if (!a->tls) {
        who.channel = Channel::SipTcp;
        std::make_shared<Session<asio::ip::tcp::socket>>(std::move(sock), who, svc_, counters_)
            ->start();
      } else {
        who.channel = Channel::SipTls;
        using TlsStream = asio::ssl::stream<asio::ip::tcp::socket>;
        std::make_shared<Session<TlsStream>>(TlsStream(std::move(sock), *tls_), who, svc_,
                                             counters_)
            ->start();
      }
    }
    accept(a);
  });
}

}  // namespace avedge::mras

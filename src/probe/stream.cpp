#include "probe/stream.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace avedge::probe {

namespace {

std::string ssl_error_text() {
  const unsigned long e = ERR_get_error();
  if (e == 0) return "TLS error";
  std::string s(256, '\0');
  ERR_error_string_n(e, s.data(), s.size());
  s.resize(std::strlen(s.c_str()));
  return s;
}

int wait_for(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  const int r = ::poll(&p, 1, timeout_ms < 0 ? 0 : timeout_ms);
  if (r < 0) return -1;
  return r;
}

}  // namespace

int wait_readable(int fd, int timeout_ms) {
  return wait_for(fd, POLLIN, timeout_ms);
}

std::string describe_trust(const TlsOptions& o) {
  if (o.insecure) return "certificate not verified (--insecure)";
  const std::string anchors = o.ca_file.empty() ? "the system store" : o.ca_file;
  return "certificate verified against " + anchors + " for " + o.server_name;
}

int open_socket(bool udp, const Endpoint& to, const std::optional<IpAddress>& bind_ip,
                int timeout_ms, std::string& error) {
  const int af = to.ip.is_v4() ? AF_INET : AF_INET6;
  const int fd = ::socket(af, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  sockaddr_storage ss{};
  if (bind_ip) {
    const unsigned len = Endpoint{*bind_ip, 0}.to_sockaddr(ss);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {  // NOLINT
      error = "bind " + bind_ip->to_string() + ": " + std::strerror(errno);
      ::close(fd);
      return -1;
    }
  }
  if (udp) return fd;  // unconnected: a blocked path shows as silence, as for a real client
  const unsigned len = to.to_sockaddr(ss);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&ss), len);  // NOLINT
  if (rc != 0 && errno == EINPROGRESS) {
    rc = wait_for(fd, POLLOUT, timeout_ms) == 1 ? 0 : -1;
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (rc == 0 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr != 0) {
      errno = soerr;
      rc = -1;
    } else if (rc != 0) {
      errno = ETIMEDOUT;
    }
  }
  if (rc != 0) {
    error = errno == ETIMEDOUT ? std::string("no answer to the TCP connect") : std::strerror(errno);
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

struct Stream::TlsState {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~TlsState() {
    if (ssl != nullptr) SSL_free(ssl);
    if (ctx != nullptr) SSL_CTX_free(ctx);
  }
};

Stream::~Stream() {
  if (tls_ && tls_->ssl != nullptr) SSL_shutdown(tls_->ssl);
  tls_.reset();
  if (fd_ >= 0) ::close(fd_);
}

namespace {

// Client TLS context: trust anchors, optional client certificate (MRAS front ends).
bool setup_tls(SSL_CTX* ctx, const TlsOptions& o, std::string& error) {
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (o.insecure) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    const bool ok = o.ca_file.empty()
                        ? SSL_CTX_set_default_verify_paths(ctx) == 1
                        : SSL_CTX_load_verify_locations(ctx, o.ca_file.c_str(), nullptr) == 1;
    if (!ok) {
      error = "cannot load trust anchors " + o.ca_file + ": " + ssl_error_text();
      return false;
    }
  }
  if (!o.cert_file.empty()) {
    const std::string& key = o.key_file.empty() ? o.cert_file : o.key_file;
    if (SSL_CTX_use_certificate_chain_file(ctx, o.cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) {
      error = "cannot load client certificate " + o.cert_file + ": " + ssl_error_text();
      return false;
    }
  }
  return true;
}

}  // namespace

std::unique_ptr<Stream> Stream::connect(const Endpoint& to, const std::optional<IpAddress>& bind_ip,
                                        const TlsOptions* tls, int timeout_ms, std::string& error) {
  std::unique_ptr<Stream> s(new Stream());
  s->fd_ = open_socket(false, to, bind_ip, timeout_ms, error);
  if (s->fd_ < 0) return nullptr;
  sockaddr_storage ss{};
  socklen_t sl = sizeof ss;
  if (::getsockname(s->fd_, reinterpret_cast<sockaddr*>(&ss), &sl) == 0) {  // NOLINT
    if (auto ep = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss))) s->local_ = *ep;
  }
  if (tls == nullptr) return s;
  // The handshake is bounded by socket timeouts (it runs in blocking mode).
  timeval tv{timeout_ms / 1000, static_cast<suseconds_t>(timeout_ms % 1000) * 1000};
  ::setsockopt(s->fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(s->fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  s->tls_ = std::make_unique<TlsState>();
  s->tls_->ctx = SSL_CTX_new(TLS_client_method());
  if (s->tls_->ctx == nullptr || !setup_tls(s->tls_->ctx, *tls, error)) {
    if (error.empty()) error = ssl_error_text();
    return nullptr;
  }
  SSL* ssl = SSL_new(s->tls_->ctx);
  s->tls_->ssl = ssl;
  SSL_set_fd(ssl, s->fd_);
  const std::string& name = tls->server_name;
  const bool is_ip = IpAddress::parse(name).has_value();
  if (!name.empty() && !is_ip) {  // SNI (RFC 6066 §3); the macro's cast trips -Wold-style-cast
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(name.c_str()));
  }
  if (!tls->insecure && !name.empty()) {
    X509_VERIFY_PARAM* p = SSL_get0_param(ssl);
    if (is_ip) {
      X509_VERIFY_PARAM_set1_ip_asc(p, name.c_str());
    } else {
      X509_VERIFY_PARAM_set1_host(p, name.c_str(), 0);
    }
  }
  ERR_clear_error();
  if (SSL_connect(ssl) != 1) {
    const long v = SSL_get_verify_result(ssl);
    error = v != X509_V_OK
                ? std::string("certificate verify failed: ") + X509_verify_cert_error_string(v) +
                      " (trust its CA with --cafile, or --insecure for a test server)"
                : "TLS handshake failed: " + ssl_error_text();
    return nullptr;
  }
  return s;
}

bool Stream::write_all(std::span<const uint8_t> data) {
  size_t off = 0;
  while (off < data.size()) {
    long n = 0;
    if (tls_) {
      n = SSL_write(tls_->ssl, data.data() + off, static_cast<int>(data.size() - off));
    } else {
      n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    }
    if (n <= 0) {
      error_ = tls_ ? "TLS write failed" : std::string("send: ") + std::strerror(errno);
      return false;
    }
    off += static_cast<size_t>(n);
  }
  return true;
}

long Stream::read_some(std::span<uint8_t> out, int timeout_ms) {
  if (!tls_ || SSL_pending(tls_->ssl) == 0) {
    const int w = wait_readable(fd_, timeout_ms);
    if (w <= 0) {
      error_ = w == 0 ? "timeout" : std::string("poll: ") + std::strerror(errno);
      return -1;
    }
  }
  const long n = tls_ ? SSL_read(tls_->ssl, out.data(), static_cast<int>(out.size()))
                      : ::recv(fd_, out.data(), out.size(), 0);
  if (n <= 0) error_ = n == 0 || tls_ ? "connection closed by the server" : std::strerror(errno);
  if (tls_ && n < 0) return 0;
  return n;
}

}  // namespace avedge::probe

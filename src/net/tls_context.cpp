#include "net/tls_context.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <openssl/ssl.h>

namespace avedge::net {

std::shared_ptr<asio::ssl::context> make_tls_context(const std::string& cert_file,
                                                     const std::string& key_file) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  asio::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    throw std::runtime_error(
        fmt::format("tls.cert \"{}\": cannot load the certificate: {}", cert_file, ec.message()));
  }
  ctx->use_private_key_file(key_file, asio::ssl::context::pem, ec);
  if (ec) {
    throw std::runtime_error(
        fmt::format("tls.key \"{}\": cannot load the private key: {}", key_file, ec.message()));
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    throw std::runtime_error(
        fmt::format("tls.key \"{}\" does not match tls.cert \"{}\"", key_file, cert_file));
  }
  return ctx;
}

}  // namespace avedge::net

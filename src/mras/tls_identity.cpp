#include "mras/tls_identity.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace avedge::mras {

std::shared_ptr<asio::ssl::context> make_mras_tls_context(const std::string& cert_file,
                                                          const std::string& key_file,
                                                          const std::string& client_ca_file) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  asio::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    throw std::runtime_error(fmt::format("MRAS tls.cert \"{}\": cannot load the certificate: {}",
                                         cert_file, ec.message()));
  }
  const std::string& key = key_file.empty() ? cert_file : key_file;
  ctx->use_private_key_file(key, asio::ssl::context::pem, ec);
  if (ec || SSL_CTX_check_private_key(native) != 1) {
    throw std::runtime_error(fmt::format("MRAS tls.key \"{}\": cannot load a matching key", key));
  }
  if (!client_ca_file.empty()) ctx->load_verify_file(client_ca_file, ec);  // best effort
  ctx->set_default_verify_paths(ec);
  // Ask for a client certificate; a connection without one falls back to its source address.
  ctx->set_verify_mode(asio::ssl::verify_peer);
  // A session id context is required when client certificates are requested.
  static constexpr unsigned char kSid[] = "avedge-mras";
  SSL_CTX_set_session_id_context(native, kSid, sizeof(kSid) - 1);
  return ctx;
}

std::vector<std::string> verified_peer_names(SSL* ssl) {
  std::vector<std::string> names;
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (!cert || SSL_get_verify_result(ssl) != X509_V_OK) return names;
  auto* sans =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (sans) {
    for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
      const GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans, i);
      if (gn->type != GEN_DNS) continue;
      const ASN1_STRING* s = gn->d.dNSName;
      names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                         static_cast<size_t>(ASN1_STRING_length(s)));
    }
    GENERAL_NAMES_free(sans);
  }
  const X509_NAME* subject = X509_get_subject_name(cert);
  const int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (idx >= 0) {
    const ASN1_STRING* cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
    names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(cn)),
                       static_cast<size_t>(ASN1_STRING_length(cn)));
  }
  // Names with embedded NULs or control characters are not names.
  std::erase_if(names, [](const std::string& n) {
    for (const char c : n) {
      if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f) return true;
    }
    return n.empty();
  });
  return names;
}

}  // namespace avedge::mras

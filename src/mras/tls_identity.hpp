// TLS for MRAS over SIP: a server context that asks for (but does not demand) a client
// certificate, and the names a verified client certificate carries (SAN DNS names, then CN).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <asio/ssl.hpp>

namespace avedge::mras {

// `cert_file` may hold the key too (then `key_file` is empty). Client certificates are verified
// against `client_ca_file` (when not empty) and OpenSSL's default paths; a presented
// certificate that fails verification fails the handshake. Throws std::runtime_error.
std::shared_ptr<asio::ssl::context> make_mras_tls_context(const std::string& cert_file,
                                                          const std::string& key_file,
                                                          const std::string& client_ca_file);

// Names of the peer certificate of `ssl` when it was presented and verified; else empty.
std::vector<std::string> verified_peer_names(SSL* ssl);

}  // namespace avedge::mras

// The server TLS context shared by every worker: TLS 1.2 and 1.3 only (RFC 8656 §3.2 asks for
// TLS; older versions are deprecated by RFC 8996).
#pragma once

#include <memory>
#include <string>

#include <asio/ssl.hpp>

namespace avedge::net {

// Throws std::runtime_error naming the file when the certificate or key cannot be loaded.
std::shared_ptr<asio::ssl::context> make_tls_context(const std::string& cert_file,
                                                     const std::string& key_file);

}  // namespace avedge::net

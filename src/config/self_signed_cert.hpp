// A self-signed certificate for development TLS listeners, generated with OpenSSL at start.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace avedge::config {

// $XDG_RUNTIME_DIR/avedge, else /tmp/avedge-<uid>; created 0700 and checked to be ours.
std::optional<std::string> runtime_dir(std::string& error);

// Writes one PEM file holding a fresh P-256 key and a certificate valid 30 days with
// subjectAltName IP:<each ip> and DNS:<each name>. Written to a temporary name and renamed,
// so a reader never sees half a file. Mode 0600.
bool write_self_signed(const std::string& path, const std::vector<IpAddress>& ips,
                       const std::vector<std::string>& dns_names, std::string& error);

// When a TLS listener exists and tls.cert/tls.key are empty: generates a certificate for the
// listener IPs (and the loopback when a listener is on 0.0.0.0/::) plus "localhost" into
// runtime_dir(), sets cfg.tls.cert and cfg.tls.key to it and returns its path.
// nullopt and empty error: nothing to do. nullopt and error: failed.
std::optional<std::string> prepare_tls(Config& cfg, std::string& error);

}  // namespace avedge::config

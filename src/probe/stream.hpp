// Blocking byte streams for the probe: TCP, or TLS over TCP with OpenSSL, every wait bounded by
// a timeout (poll). Used for TURN over TCP/TLS (RFC 8656 §3.1) and for MRAS over SIP.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/address.hpp"

namespace avedge::probe {

struct TlsOptions {
  bool insecure = false;    // no certificate verification (development servers)
  std::string ca_file;      // trust anchors; empty: the system store
  std::string server_name;  // name (or IP literal) to verify and to send as SNI
  std::string cert_file;    // client certificate (MRAS front ends), may hold the key
  std::string key_file;
};

// How a TLS peer was trusted, for the probe's output: "verified against ca.pem (localhost)".
std::string describe_trust(const TlsOptions& o);

class Stream {
 public:
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream();

  // Connects within timeout_ms, from bind_ip when given; with tls, completes the handshake.
  // nullptr and error set on failure ("connection refused", "certificate verify failed: ...").
  static std::unique_ptr<Stream> connect(const Endpoint& to,
                                         const std::optional<IpAddress>& bind_ip,
                                         const TlsOptions* tls, int timeout_ms, std::string& error);

  bool write_all(std::span<const uint8_t> data);
  // Bytes read (> 0), 0 when the peer closed, -1 on timeout or error (error() says which).
  long read_some(std::span<uint8_t> out, int timeout_ms);
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] const Endpoint& local() const { return local_; }
  // The socket, for a caller that waits on many streams at once (avedge bench's epoll).
  [[nodiscard]] int fd() const { return fd_; }

 private:
  Stream() = default;
  int fd_ = -1;
  struct TlsState;
  std::unique_ptr<TlsState> tls_;
  Endpoint local_;
  std::string error_;
};

// A UDP or TCP socket connected to `to` (non-blocking connect bounded by timeout_ms for TCP).
// Returns the fd or -1 with error set. The caller owns the fd.
int open_socket(bool udp, const Endpoint& to, const std::optional<IpAddress>& bind_ip,
                int timeout_ms, std::string& error);
// Waits until fd is readable: 1 readable, 0 timeout, -1 error.
int wait_readable(int fd, int timeout_ms);

}  // namespace avedge::probe

// The building blocks of the configuration model: where a value came from, and listeners.
#pragma once

#include <cstdint>
#include <string>

#include "core/address.hpp"

namespace avedge::config {

// Where a value came from: a file and line, a command-line flag, or the built-in default.
struct SourcePos {
  std::string file;   // "avedge.toml", "--listen", "(built-in)"
  uint32_t line = 0;  // 0: no line (flags, built-in defaults)
  [[nodiscard]] std::string to_string() const;
};
SourcePos builtin_pos();

template <typename T>
struct Located {
  T value{};
  SourcePos where = builtin_pos();
};

// udp://, tcp://, tls:// and tcp+tls:// (one TCP port serving TLS and plain TCP, told apart by
// the first byte: 0x16 is a TLS handshake record, RFC 8446 §5.1).
enum class ListenerKind : uint8_t { Udp, Tcp, Tls, TcpTls };
const char* scheme(ListenerKind k);

struct Listener {
  ListenerKind kind = ListenerKind::Udp;
  Endpoint endpoint;  // port 0: an ephemeral port (tests)
  SourcePos where = builtin_pos();
  [[nodiscard]] std::string url() const;
  [[nodiscard]] bool uses_tls() const {
    return kind == ListenerKind::Tls || kind == ListenerKind::TcpTls;
  }
};

struct PortRange {
  uint16_t first = 50000;
  uint16_t last = 59999;
  [[nodiscard]] std::string to_string() const;
};

}  // namespace avedge::config

// Real sockets against a real server on 127.0.0.1 with ephemeral ports.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "config/finalize.hpp"
#include "config/loader.hpp"
#include "config/self_signed_cert.hpp"
#include "core/address.hpp"
#include "core/crypto.hpp"
#include "net/ready_poller.hpp"
#include "wire/stun_builder.hpp"
#include "wire/stun_message.hpp"

namespace avedge::net::testing {

// A configuration with the given listeners (port 0), a generated certificate in a temp dir.
struct TestConfig {
  config::Config cfg;
  std::string dir;

  explicit TestConfig(const std::string& listen, unsigned workers = 1) {
    const std::string text =
        "[edge]\nrealm = \"test\"\nlisten = [" + listen +
        "]\nrelay_ips = [\"127.0.0.1\"]\nrelay_ports = \"40000-49999\"\nworkers = " +
        std::to_string(workers) + "\n[auth]\nusers = [\"alice:secret\"]\n" +
        // Test peers are sockets on 127.0.0.1 with ephemeral ports, outside the relay range.
        "[peers]\nallow = [\"127.0.0.0/8\"]\n";
    config::LoadResult r = config::load_string(text, "test.toml");
    EXPECT_TRUE(r.ok());
    cfg = std::move(r.config);
    EXPECT_TRUE(config::finalize(cfg).empty());
    std::string t = (std::filesystem::temp_directory_path() / "avedge-net-test-XXXXXX").string();
    EXPECT_NE(::mkdtemp(t.data()), nullptr);
    dir = t;
    std::string error;
    const std::string pem = dir + "/cert.pem";
    EXPECT_TRUE(config::write_self_signed(pem, {IpAddress::v4(127, 0, 0, 1)}, {"localhost"}, error))
        << error;
    cfg.tls.cert.value = pem;
    cfg.tls.key.value = pem;
  }
  ~TestConfig() { std::filesystem::remove_all(dir); }
  TestConfig(const TestConfig&) = delete;
  TestConfig& operator=(const TestConfig&) = delete;
};

inline void set_timeout(int fd, int ms = 2000) {
  timeval tv{ms / 1000, (ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

inline Endpoint local_of(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  return *Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&ss));
}

struct BindingRequest {
  stun::TransactionId tid{};
  std::vector<uint8_t> bytes;
};

inline BindingRequest binding_request() {
  BindingRequest r;
  crypto::random_bytes(r.tid);
  std::vector<uint8_t> buf(128);
  stun::Builder b(buf, stun::method::Binding, stun::Class::Request, r.tid);
  b.add_fingerprint();
  EXPECT_TRUE(b.ok());
  r.bytes.assign(b.bytes().begin(), b.bytes().end());
  return r;
}

// Checks a Binding success for tid and returns its XOR-MAPPED-ADDRESS.
inline std::optional<Endpoint> mapped_address(std::span<const uint8_t> response,
                                              const stun::TransactionId& tid) {
  stun::Message m;
  if (stun::parse(response, m) != stun::ParseError::None) return std::nullopt;
  if (m.method != stun::method::Binding || m.cls != stun::Class::Success || m.tid != tid) {
    return std::nullopt;
  }
  const stun::Attribute* a = m.find(stun::attr::XorMappedAddress);
  if (a == nullptr) return std::nullopt;
  return stun::decode_xor_address(*a, m.tid);
}

// Every thread that created or entered an io_uring is sent a task_work notification when the
// ring is torn down, which ends a blocking call with a timeout it is in (a recv with
// SO_RCVTIMEO) with EINTR. A worker's multishot ring is created and entered by its own thread
// only. A test that drives a ReadyPoller itself does it on a thread of its own, which ends
// before the ring does, so that the test thread's later blocking calls are not interrupted.
template <typename Body>
void on_own_thread(Body body) {
  std::thread t(body);
  t.join();
}

// Reads one datagram per call, so a test can leave some unread.
struct OneDatagramReader final : ReadyPoller::Handler {
  explicit OneDatagramReader(int f) : fd(f) {}
  void on_readable() override {
    char buf[64];
    if (::recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0) ++read;
  }
  int fd;
  int read = 0;
};

inline int udp_socket() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  set_timeout(fd);
  return fd;
}

inline int tcp_connect(const Endpoint& to) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  set_timeout(fd);
  sockaddr_storage ss{};
  const unsigned len = to.to_sockaddr(ss);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&ss), len) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Reads exactly n bytes (false on EOF, error or timeout).
template <typename Read>
bool read_exact(Read&& rd, uint8_t* p, size_t n) {
  size_t got = 0;
  while (got < n) {
    const long r = rd(p + got, n - got);
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  return true;
}

// One STUN message from a stream.
template <typename Read>
std::optional<std::vector<uint8_t>> read_stun(Read&& rd) {
  std::vector<uint8_t> msg(20);
  if (!read_exact(rd, msg.data(), 20)) return std::nullopt;
  const size_t body = (size_t{msg[2]} << 8) | msg[3];
  msg.resize(20 + body);
  if (!read_exact(rd, msg.data() + 20, body)) return std::nullopt;
  return msg;
}

inline auto fd_reader(int fd) {
  return [fd](uint8_t* p, size_t n) -> long { return ::recv(fd, p, n, 0); };
}

// A blocking TLS client over fd; verifies nothing (the certificate is self-signed).
struct TlsClient {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  int fd = -1;
  bool connected = false;

  TlsClient(int sock, int max_version = 0) : fd(sock) {
    ctx = SSL_CTX_new(TLS_client_method());
    if (max_version != 0) {
      SSL_CTX_set_security_level(ctx, 0);
      SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
      SSL_CTX_set_max_proto_version(ctx, max_version);
    }
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    connected = SSL_connect(ssl) == 1;
  }
  ~TlsClient() {
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ::close(fd);
  }
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;
  bool write(std::span<const uint8_t> b) {
    return SSL_write(ssl, b.data(), static_cast<int>(b.size())) == static_cast<int>(b.size());
  }
  auto reader() {
    return [this](uint8_t* p, size_t n) -> long { return SSL_read(ssl, p, static_cast<int>(n)); };
  }
};

}  // namespace avedge::net::testing

#include "net/server_runner.hpp"

#include <thread>

#include "net_test_support.hpp"

namespace avedge::net {
namespace {

using namespace testing;  // NOLINT

const config::Listener& find(const ServerRunner& r, config::ListenerKind k) {
  for (const auto& l : r.listeners()) {
    if (l.kind == k) return l;
  }
  throw std::runtime_error("no such listener");
}

class ServerRunnerTest : public ::testing::Test {
 protected:
  ServerRunnerTest()
      : tc_("\"udp://127.0.0.1:0\", \"tcp://127.0.0.1:0\", \"tls://127.0.0.1:0\", "
            "\"tcp+tls://127.0.0.1:0\""),
        runner_(tc_.cfg) {
    runner_.start();
  }
  TestConfig tc_;
  ServerRunner runner_;
};

TEST_F(ServerRunnerTest, ReportsBoundPorts) {
  ASSERT_EQ(runner_.listeners().size(), 4U);
  EXPECT_EQ(runner_.worker_count(), 1U);
  for (const auto& l : runner_.listeners()) {
    EXPECT_NE(l.endpoint.port, 0) << l.url();
    EXPECT_EQ(l.endpoint.ip.to_string(), "127.0.0.1");
  }
}

TEST_F(ServerRunnerTest, RefusesPortsAlreadyTaken) {
  // A second edge on the first one's ports would share them (every listener is SO_REUSEPORT)
  // and get part of its clients; it refuses to start instead.
  for (const auto kind : {config::ListenerKind::Udp, config::ListenerKind::Tcp}) {
    TestConfig second("\"udp://127.0.0.1:0\"");
    second.cfg.listeners = {find(runner_, kind)};
    const auto port = std::to_string(second.cfg.listeners[0].endpoint.port);
    ServerRunner again(second.cfg);
    try {
      again.start();
      ADD_FAILURE() << "started on the taken port " << port;
    } catch (const std::runtime_error& e) {
      const std::string proto = kind == config::ListenerKind::Udp ? "UDP" : "TCP";
      const std::string what = e.what();
      EXPECT_NE(what.find(proto + " port " + port + " is already taken"), std::string::npos)
          << what;
      EXPECT_NE(what.find("sport = :" + port), std::string::npos) << what;
    }
    EXPECT_EQ(again.worker_count(), 0U);
  }
}

TEST_F(ServerRunnerTest, BindingOverUdp) {
  const Endpoint server = find(runner_, config::ListenerKind::Udp).endpoint;
  const int fd = udp_socket();
  const auto req = binding_request();
  sockaddr_storage ss{};
  const unsigned len = server.to_sockaddr(ss);
  ASSERT_EQ(
      ::sendto(fd, req.bytes.data(), req.bytes.size(), 0, reinterpret_cast<sockaddr*>(&ss), len),
      static_cast<ssize_t>(req.bytes.size()));
  std::vector<uint8_t> buf(2048);
  const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
  ASSERT_GT(n, 0);
  const auto mapped = mapped_address({buf.data(), static_cast<size_t>(n)}, req.tid);
  ASSERT_TRUE(mapped.has_value());
  EXPECT_EQ(*mapped, local_of(fd));
  ::close(fd);
}

TEST_F(ServerRunnerTest, BindingOverTcpWithFraming) {
  const int fd = tcp_connect(find(runner_, config::ListenerKind::Tcp).endpoint);
  ASSERT_GE(fd, 0);
  // Two requests in one write, then one request in two writes (RFC 8656 §12.5 framing).
  const auto a = binding_request();
  const auto b = binding_request();
  const auto c = binding_request();
  std::vector<uint8_t> two = a.bytes;
  two.insert(two.end(), b.bytes.begin(), b.bytes.end());
  ASSERT_EQ(::send(fd, two.data(), two.size(), 0), static_cast<ssize_t>(two.size()));
  ASSERT_EQ(::send(fd, c.bytes.data(), 7, 0), 7);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(::send(fd, c.bytes.data() + 7, c.bytes.size() - 7, 0),
            static_cast<ssize_t>(c.bytes.size() - 7));
  for (const auto* r : {&a, &b, &c}) {
    const auto msg = read_stun(fd_reader(fd));
    ASSERT_TRUE(msg.has_value());
    const auto mapped = mapped_address(*msg, r->tid);
    ASSERT_TRUE(mapped.has_value());
    EXPECT_EQ(*mapped, local_of(fd));
  }
  ::close(fd);
}

TEST_F(ServerRunnerTest, GarbageOnTcpClosesTheConnection) {
  const int fd = tcp_connect(find(runner_, config::ListenerKind::Tcp).endpoint);
  ASSERT_GE(fd, 0);
  // A TLS ClientHello on the plain TCP port: neither STUN nor ChannelData (RFC 7983).
  const uint8_t hello[] = {0x16, 0x03, 0x01, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o'};
  ASSERT_GT(::send(fd, hello, sizeof hello, 0), 0);
  uint8_t byte = 0;
  EXPECT_EQ(::recv(fd, &byte, 1, 0), 0);  // orderly close, not a timeout
  ::close(fd);
}

TEST_F(ServerRunnerTest, BindingOverTls) {
  const int fd = tcp_connect(find(runner_, config::ListenerKind::Tls).endpoint);
  ASSERT_GE(fd, 0);
  TlsClient tls(fd);
  ASSERT_TRUE(tls.connected);
  EXPECT_GE(SSL_version(tls.ssl), TLS1_2_VERSION);
  const auto req = binding_request();
  ASSERT_TRUE(tls.write(req.bytes));
  const auto msg = read_stun(tls.reader());
  ASSERT_TRUE(msg.has_value());
  const auto mapped = mapped_address(*msg, req.tid);
  ASSERT_TRUE(mapped.has_value());
  EXPECT_EQ(*mapped, local_of(fd));
}

TEST_F(ServerRunnerTest, TlsBelow12IsRefused) {
  const int fd = tcp_connect(find(runner_, config::ListenerKind::Tls).endpoint);
  ASSERT_GE(fd, 0);
  TlsClient tls(fd, TLS1_1_VERSION);
  EXPECT_FALSE(tls.connected);
}

TEST_F(ServerRunnerTest, TcpAndTlsOnOnePort) {
  const Endpoint both = find(runner_, config::ListenerKind::TcpTls).endpoint;
  {
    const int fd = tcp_connect(both);
    ASSERT_GE(fd, 0);
    const auto req = binding_request();
    ASSERT_EQ(::send(fd, req.bytes.data(), req.bytes.size(), 0),
              static_cast<ssize_t>(req.bytes.size()));
    const auto msg = read_stun(fd_reader(fd));
    ASSERT_TRUE(msg.has_value());
    EXPECT_TRUE(mapped_address(*msg, req.tid).has_value());
    ::close(fd);
  }
  {
    const int fd = tcp_connect(both);
    ASSERT_GE(fd, 0);
    TlsClient tls(fd);
    ASSERT_TRUE(tls.connected);
    const auto req = binding_request();
    ASSERT_TRUE(tls.write(req.bytes));
    const auto msg = read_stun(tls.reader());
    ASSERT_TRUE(msg.has_value());
    const auto mapped = mapped_address(*msg, req.tid);
    ASSERT_TRUE(mapped.has_value());
    EXPECT_EQ(*mapped, local_of(fd));
  }
}

TEST_F(ServerRunnerTest, StopIsIdempotent) {
  runner_.stop();
  runner_.stop();
  EXPECT_EQ(runner_.worker_count(), 0U);
}

TEST(ServerRunnerWorkers, SeveralWorkersShareEachPort) {
  TestConfig tc("\"udp://127.0.0.1:0\", \"tcp://127.0.0.1:0\"", 3);
  ServerRunner runner(tc.cfg);
  runner.start();
  EXPECT_EQ(runner.worker_count(), 3U);
  const Endpoint udp = find(runner, config::ListenerKind::Udp).endpoint;
  const Endpoint tcp = find(runner, config::ListenerKind::Tcp).endpoint;
  // Many clients: whichever worker the kernel picks answers.
  for (int i = 0; i < 12; ++i) {
    const int fd = udp_socket();
    const auto req = binding_request();
    sockaddr_storage ss{};
    const unsigned len = udp.to_sockaddr(ss);
    ASSERT_GT(
        ::sendto(fd, req.bytes.data(), req.bytes.size(), 0, reinterpret_cast<sockaddr*>(&ss), len),
        0);
    std::vector<uint8_t> buf(2048);
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    ASSERT_GT(n, 0);
    EXPECT_TRUE(mapped_address({buf.data(), static_cast<size_t>(n)}, req.tid).has_value());
    ::close(fd);

    const int t = tcp_connect(tcp);
    ASSERT_GE(t, 0);
    const auto treq = binding_request();
    ASSERT_GT(::send(t, treq.bytes.data(), treq.bytes.size(), 0), 0);
    const auto msg = read_stun(fd_reader(t));
    ASSERT_TRUE(msg.has_value());
    EXPECT_TRUE(mapped_address(*msg, treq.tid).has_value());
    ::close(t);
  }
  runner.stop();
}

TEST(ServerRunnerWildcard, UdpAnswersFromTheAddressTheClientSentTo) {
  TestConfig tc("\"udp://0.0.0.0:0\"");
  ServerRunner runner(tc.cfg);
  runner.start();
  // 127.0.0.2 reaches the 0.0.0.0 socket through lo; without IP_PKTINFO the kernel would
  // answer from 127.0.0.1 and a client (or its NAT) would drop the reply.
  const Endpoint server{IpAddress::v4(127, 0, 0, 2), runner.listeners().front().endpoint.port};
  const int fd = udp_socket();
  const auto req = binding_request();
  sockaddr_storage ss{};
  const unsigned len = server.to_sockaddr(ss);
  ASSERT_GT(
      ::sendto(fd, req.bytes.data(), req.bytes.size(), 0, reinterpret_cast<sockaddr*>(&ss), len),
      0);
  std::vector<uint8_t> buf(2048);
  sockaddr_storage from{};
  socklen_t from_len = sizeof from;
  const ssize_t n =
      ::recvfrom(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &from_len);
  ASSERT_GT(n, 0);
  EXPECT_EQ(*Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&from)), server);
  EXPECT_TRUE(mapped_address({buf.data(), static_cast<size_t>(n)}, req.tid).has_value());
  ::close(fd);
}

TEST(ServerRunnerErrors, BindFailureNamesTheListener) {
  // Bind a port without SO_REUSEPORT, then ask the server for the same one.
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  const uint16_t port = local_of(fd).port;
  TestConfig tc("\"udp://127.0.0.1:" + std::to_string(port) + "\"");
  ServerRunner runner(tc.cfg);
  try {
    runner.start();
    FAIL() << "bind should fail";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("test.toml:3"), std::string::npos) << e.what();
  }
  ::close(fd);
}

}  // namespace
}  // namespace avedge::net

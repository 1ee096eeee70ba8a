// Real sockets over TLS: the front end is named by its verified client certificate. Also runs
// tests/interop/sip_mras_client.py (TCP and TLS) when /usr/bin/python3 exists.
#include <gtest/gtest.h>
#include <unistd.h>

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <cstdio>
#include <filesystem>

#include "auth/pool_credentials.hpp"
#include "mras/service.hpp"
#include "mras/xml_codec.hpp"
#include "mras_test_support.hpp"
#include "test_certs.hpp"

namespace avedge::mras {
namespace {

class MrasTls : public ::testing::Test {
 protected:
  void SetUp() override {
    pki = test::make_pki();
    cfg.topology = test::two_pools();
    cfg.topology.frontend_pools[0].addresses.clear();  // only the certificate names POOL01
    config::Listener tls;
    tls.kind = config::ListenerKind::Tls;
    tls.endpoint = *Endpoint::parse("127.0.0.1:0");
    config::Listener tcp;
    tcp.kind = config::ListenerKind::Tcp;
    tcp.endpoint = *Endpoint::parse("127.0.0.1:0");
    cfg.topology.mras.sip_listen = {tls, tcp};
    cfg.tls.cert.value = pki.server;
    cfg.tls.key.value = pki.server_key;
  }
  void TearDown() override { std::filesystem::remove_all(pki.dir); }

  // One SERVICE over TLS presenting `client_pem` (empty: no certificate); the raw response.
  std::string ask(uint16_t port, const std::string& client_pem) {
    asio::io_context io;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.load_verify_file(pki.ca);
    ctx.set_verify_mode(asio::ssl::verify_peer);
    if (!client_pem.empty()) {
      ctx.use_certificate_chain_file(client_pem);
      ctx.use_private_key_file(client_pem, asio::ssl::context::pem);
    }
    asio::ssl::stream<asio::ip::tcp::socket> s(io, ctx);
    asio::error_code ec;
    s.next_layer().connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    if (ec) return "connect: " + ec.message();
    s.handshake(asio::ssl::stream_base::client, ec);
    if (ec) return "handshake: " + ec.message();
    const std::string body = test::sipe_request();
    const std::string msg =
        "SERVICE sip:edge02.contoso.local:5062;grid SIP/2.0\r\n"
        "Via: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bKtls\r\n"
        "From: <sip:alice@contoso.com>;tag=t1\r\nTo: <sip:mras@contoso.com>\r\n"
        "Call-ID: tls-1\r\nCSeq: 1 SERVICE\r\n"
        "Content-Type: application/msrtc-media-relay-auth+xml\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    asio::write(s, asio::buffer(msg), ec);
    if (ec) return "write: " + ec.message();
    std::string out;
    std::array<char, 4096> buf{};
    for (;;) {
      const size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec) break;
      out.append(buf.data(), n);
      const size_t end = out.find("\r\n\r\n");
      const size_t cl = out.find("Content-Length: ");
      if (end != std::string::npos && cl != std::string::npos &&
          out.size() >= end + 4 + std::stoul(out.substr(cl + 16))) {
        break;
      }
    }
    return out;
  }

  test::Pki pki;
  config::Config cfg;
};

TEST_F(MrasTls, ClientCertificateNamingAnAuthorizedFrontEndGetsCredentials) {
  Service s(cfg);
  s.start();
  const std::string resp = ask(s.sip_ports()[0], pki.client);
  ASSERT_EQ(resp.rfind("SIP/2.0 200 OK\r\n", 0), 0u) << resp;
  const auto xml = parse_response(resp.substr(resp.find("\r\n\r\n") + 4));
  ASSERT_TRUE(xml.has_value());
  EXPECT_EQ(auth::decode_pool_username(xml->credentials.at(0).username)->pool, "EDGEPOOL01");
}

TEST_F(MrasTls, UnauthorizedOrMissingCertificateGets403) {
  Service s(cfg);
  s.start();
  const std::string rogue = ask(s.sip_ports()[0], pki.rogue);
  EXPECT_EQ(rogue.rfind("SIP/2.0 403 Forbidden\r\n", 0), 0u) << rogue;
  EXPECT_NE(rogue.find("ms-diagnostics: 9001;"), std::string::npos);
  const std::string none = ask(s.sip_ports()[0], "");
  EXPECT_EQ(none.rfind("SIP/2.0 403 Forbidden\r\n", 0), 0u) << none;
  EXPECT_NE(none.find("ms-diagnostics: 9002;"), std::string::npos);
  EXPECT_EQ(none.find("<username>"), std::string::npos);
  // A certificate from another CA fails the handshake: no answer at all.
  const std::string untrusted = ask(s.sip_ports()[0], pki.untrusted);
  EXPECT_EQ(untrusted.find("SIP/2.0 200"), std::string::npos) << untrusted;
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  ::pclose(p);
  return out;
}

TEST_F(MrasTls, PythonInteropClientOverTcpAndTls) {
  if (::access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/python3";
  cfg.topology.frontend_pools[1].addresses = {test::L(*IpAddress::parse("127.0.0.1"))};
  Service s(cfg);
  s.start();
  const std::string client =
      std::string("/usr/bin/python3 ") + AVEDGE_SOURCE_DIR + "/tests/interop/sip_mras_client.py";
  const std::string tcp = run(client + " --port " + std::to_string(s.sip_ports()[1]));
  EXPECT_NE(tcp.find("relay=av2.contoso.com udp=3478 tcp=443 duration=480"), std::string::npos)
      << tcp;
  EXPECT_NE(tcp.find("username="), std::string::npos);
  const std::string tls =
      run(client + " --tls --port " + std::to_string(s.sip_ports()[0]) + " --cafile " + pki.ca +
          " --servername localhost --cert " + pki.client);
  EXPECT_NE(tls.find("relay=av1.contoso.com udp=3478 tcp=443 duration=480"), std::string::npos)
      << tls;
  const std::string refused =
      run(client + " --tls --port " + std::to_string(s.sip_ports()[0]) + " --cafile " + pki.ca +
          " --servername localhost --cert " + pki.rogue);
  EXPECT_NE(refused.find("status=403 Forbidden"), std::string::npos) << refused;
  EXPECT_NE(refused.find("ms-diagnostics: 9001;"), std::string::npos) << refused;
}

}  // namespace
}  // namespace avedge::mras

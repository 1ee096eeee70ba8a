// Real sockets: Service on 127.0.0.1 with ephemeral ports, SIP over TCP and HTTP.
#include "mras/service.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "auth/pool_credentials.hpp"
#include "mras/xml_codec.hpp"
#include "mras_test_support.hpp"

namespace avedge::mras {
namespace {

config::Config mras_config(config::Topology t) {
  config::Config cfg;
  cfg.topology = std::move(t);
  config::Listener l;
  l.kind = config::ListenerKind::Tcp;
  l.endpoint = *Endpoint::parse("127.0.0.1:0");
  cfg.topology.mras.sip_listen = {l};
  cfg.topology.mras.http_listen = config::Located<Endpoint>{*Endpoint::parse("127.0.0.1:0")};
  return cfg;
}

std::string service_message(const std::string& body) {
  return "SERVICE sip:edge02.contoso.local:5062;grid SIP/2.0\r\n"
         "Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKtest\r\n"
         "From: <sip:alice@contoso.com>;tag=t1\r\n"
         "To: <sip:edge02.contoso.local@contoso.com>\r\n"
         "Call-ID: call-1\r\n"
         "CSeq: 1 SERVICE\r\n"
         "Content-Type: application/msrtc-media-relay-auth+xml\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Sends `bytes` on a fresh TCP connection and reads until one full response arrived.
std::string sip_exchange(uint16_t port, const std::string& bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    ::close(fd);
    return {};
  }
  // Split the request in two writes to exercise framing across reads.
  const size_t half = bytes.size() / 2;
  (void)::send(fd, bytes.data(), half, 0);
  ::usleep(20000);
  (void)::send(fd, bytes.data() + half, bytes.size() - half, 0);
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    const size_t end = out.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    const size_t cl = out.find("Content-Length: ");
    if (cl == std::string::npos) break;
    const size_t len = std::stoul(out.substr(cl + 16));
    if (out.size() >= end + 4 + len) break;
  }
  ::close(fd);
  return out;
}

std::string body_of(const std::string& response) {
  const size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : response.substr(end + 4);
}

TEST(MrasService, SipOverTcpFromAuthorizedAddressGetsCredentials) {
  Service s(mras_config(test::two_pools()));  // POOL01 trusted at 127.0.0.1
  s.start();
  ASSERT_EQ(s.sip_ports().size(), 1u);
  ASSERT_NE(s.sip_ports()[0], 0);
  const std::string resp = sip_exchange(s.sip_ports()[0], service_message(test::sipe_request()));
  ASSERT_EQ(resp.rfind("SIP/2.0 200 OK\r\n", 0), 0u) << resp;
  const auto xml = parse_response(body_of(resp));
  ASSERT_TRUE(xml.has_value()) << resp;
  ASSERT_EQ(xml->credentials.size(), 1u);
  EXPECT_EQ(xml->credentials[0].relays.at(0).host_name, "av1.contoso.com");
  EXPECT_EQ(auth::decode_pool_username(xml->credentials[0].username)->pool, "EDGEPOOL01");
  EXPECT_EQ(s.counters().grants.load(), 1u);
  // Garbage on a new connection: 400 and close, the service keeps serving.
  const std::string bad = sip_exchange(s.sip_ports()[0], "GARBAGE\r\n\r\n");
  EXPECT_EQ(bad.rfind("SIP/2.0 400 Bad Request\r\n", 0), 0u) << bad;
  EXPECT_EQ(
      sip_exchange(s.sip_ports()[0], service_message(test::sipe_request())).rfind("SIP/2.0 200", 0),
      0u);
  s.stop();
}

TEST(MrasService, SipOverTcpFromUnauthorizedFrontEndGets403WithoutCredentials) {
  config::Topology t = test::two_pools();
  t.edge_pools[0].authorized_internal_servers.clear();  // POOL01 no longer authorized
  Service s(mras_config(std::move(t)));
  s.start();
  const std::string resp = sip_exchange(s.sip_ports()[0], service_message(test::sipe_request()));
  ASSERT_EQ(resp.rfind("SIP/2.0 403 Forbidden\r\n", 0), 0u) << resp;
  EXPECT_NE(resp.find("ms-diagnostics: 9001;source=\"edge02.contoso.local\";reason=\""),
            std::string::npos);
  EXPECT_NE(resp.find("component=\"Media Relay Authentication Service\""), std::string::npos);
  EXPECT_EQ(resp.find("<username>"), std::string::npos);
  EXPECT_EQ(resp.find("<password>"), std::string::npos);
  EXPECT_EQ(s.counters().refused(Diag::NotAuthorizedServer), 1u);
}

TEST(MrasService, HttpTurnCredentialsWithAndWithoutApiKey) {
  Service s(mras_config(test::two_pools()));
  s.start();
  ASSERT_TRUE(s.http_port().has_value());
  httplib::Client c("127.0.0.1", *s.http_port());
  c.set_read_timeout(5, 0);
  const auto ok = c.Get("/api/v1/turn-credentials?user=sip:alice@contoso.com&ttl=3600",
                        {{"Authorization", "Bearer key-pool01"}});
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  const auto j = nlohmann::json::parse(ok->body);
  EXPECT_EQ(j["ttl"], 3600);
  EXPECT_EQ(j["uris"][0], "turn:av1.contoso.com:3478?transport=udp");
  EXPECT_EQ(j["uris"][2], "turns:av1.contoso.com:443?transport=tcp");
  EXPECT_EQ(auth::decode_pool_username(j["username"].get<std::string>())->identity,
            "sip:alice@contoso.com");
  EXPECT_FALSE(j["password"].get<std::string>().empty());

  const auto none = c.Get("/api/v1/turn-credentials?user=sip:alice@contoso.com");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 403);
  const auto jn = nlohmann::json::parse(none->body);
  EXPECT_EQ(jn["error"], "forbidden");
  EXPECT_EQ(jn["code"], 9002);
  EXPECT_EQ(none->body.find("password"), std::string::npos);

  const auto rogue =
      c.Get("/api/v1/turn-credentials?user=sip:alice@contoso.com", {{"X-Api-Key", "key-rogue"}});
  EXPECT_EQ(rogue->status, 403);
  EXPECT_EQ(nlohmann::json::parse(rogue->body)["code"], 9001);

  const auto xml = c.Post("/api/v1/mras", {{"X-Api-Key", "key-pool02"}}, test::sipe_request(),
                          "application/msrtc-media-relay-auth+xml");
  ASSERT_TRUE(xml);
  EXPECT_EQ(xml->status, 200);
  const auto parsed = parse_response(xml->body);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->credentials.at(0).relays.at(0).host_name, "av2.contoso.com");
  const auto bad_type = c.Post("/mras", {{"X-Api-Key", "key-pool02"}}, "x", "text/plain");
  EXPECT_EQ(bad_type->status, 415);
}

TEST(MrasService, HttpPortTakenByAnotherServerIsRefused) {
  Service first(mras_config(test::two_pools()));
  first.start();
  ASSERT_TRUE(first.http_port().has_value());
  // cpp-httplib binds with SO_REUSEPORT: without the check a second service would share the
  // port and answer part of the requests.
  config::Config cfg = mras_config(test::two_pools());
  cfg.topology.mras.http_listen->value.port = *first.http_port();
  Service second(cfg);
  try {
    second.start();
    ADD_FAILURE() << "started on the taken port " << *first.http_port();
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("TCP port " + std::to_string(*first.http_port()) + " is already taken"),
              std::string::npos)
        << what;
  }
}

TEST(MrasService, StopRightAfterStartDoesNotHang) {
  // httplib's stop() only ends a server that is already running; a stop() that came sooner
  // (a listener after it failed to bind) used to leave the thread in accept() forever.
  for (int i = 0; i < 20; ++i) {
    Service s(mras_config(test::two_pools()));
    s.start();
    s.stop();
  }
}

}  // namespace
}  // namespace avedge::mras

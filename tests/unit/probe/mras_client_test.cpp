// Reading MRAS answers (SIP response with XML body, HTTP JSON) and ms-diagnostics headers.
#include "probe/mras_client.hpp"

#include <gtest/gtest.h>

#include "mras/xml_codec.hpp"

namespace avedge::probe {
namespace {

TEST(MsDiagnostics, CodeAndReason) {
  unsigned code = 0;
  std::string reason;
  ASSERT_TRUE(parse_ms_diagnostics(
      R"(9001;source="edge01";reason="pool02 is not in authorized_internal_servers";component="Media Relay Authentication Service")",
      code, reason));
  EXPECT_EQ(code, 9001U);
  EXPECT_EQ(reason, "pool02 is not in authorized_internal_servers");
  EXPECT_FALSE(parse_ms_diagnostics("", code, reason));
  EXPECT_FALSE(parse_ms_diagnostics("abc", code, reason));
}

TEST(SipResponse, GrantWithRelay) {
  mras::Response r;
  r.request_id = "1";
  mras::CredentialsResponse c;
  c.id = "1";
  c.username = "dXNlcg==";
  c.password = "cGFzcw==";
  c.duration_minutes = 480;
  c.realm = "avedge.test";
  c.relays.push_back({mras::Location::Internet, "av1.contoso.com", 3478, 443});
  r.credentials.push_back(c);
  const std::string body = mras::build_response(r);
  MrasAnswer a;
  read_sip_response("SIP/2.0 200 OK\r\nContent-Length: 10", body, a);
  EXPECT_TRUE(a.granted);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.status_text, "200 OK");
  EXPECT_EQ(a.username, "dXNlcg==");
  EXPECT_EQ(a.relay_host, "av1.contoso.com");
  EXPECT_EQ(a.udp_port, 3478);
  EXPECT_EQ(a.tcp_port, 443);
  EXPECT_EQ(a.lifetime_s, 480U * 60);
}

TEST(SipResponse, RefusalKeepsDiagnostics) {
  MrasAnswer a;
  read_sip_response(
      "SIP/2.0 403 Forbidden\r\nVia: x\r\nms-diagnostics: 9003;reason=\"outside\";component=\"M\"",
      "", a);
  EXPECT_FALSE(a.granted);
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.diag_code, 9003U);
  EXPECT_EQ(a.diag_reason, "outside");
}

TEST(SipResponse, NotSip) {
  MrasAnswer a;
  read_sip_response("HTTP/1.1 200 OK", "", a);
  EXPECT_NE(a.transport_error.find("not a SIP response"), std::string::npos);
  EXPECT_FALSE(a.granted);
}

TEST(HttpResponse, GrantFromUris) {
  MrasAnswer a;
  read_http_response(200,
                     R"({"username":"u","password":"p","ttl":3600,"uris":[)"
                     R"("turn:av1.contoso.com:3478?transport=udp",)"
                     R"("turn:av1.contoso.com:443?transport=tcp",)"
                     R"("turns:av1.contoso.com:443?transport=tcp"]})",
                     a);
  EXPECT_TRUE(a.granted);
  EXPECT_EQ(a.relay_host, "av1.contoso.com");
  EXPECT_EQ(a.udp_port, 3478);
  EXPECT_EQ(a.tcp_port, 443);
  EXPECT_EQ(a.lifetime_s, 3600U);
}

TEST(HttpResponse, RefusalAndGarbage) {
  MrasAnswer a;
  read_http_response(403, R"({"error":"forbidden","code":9002,"reason":"no front-end pool"})", a);
  EXPECT_FALSE(a.granted);
  EXPECT_EQ(a.status_text, "403 Forbidden");
  EXPECT_EQ(a.diag_code, 9002U);
  EXPECT_EQ(a.diag_reason, "no front-end pool");
  MrasAnswer b;
  read_http_response(200, "not json", b);
  EXPECT_FALSE(b.granted);
  EXPECT_EQ(b.transport_error, "the HTTP answer is not JSON");
  MrasAnswer c;
  read_http_response(200, R"({"username":5,"uris":"x"})", c);  // wrong types: no crash
  EXPECT_FALSE(c.granted);
}

}  // namespace
}  // namespace avedge::probe

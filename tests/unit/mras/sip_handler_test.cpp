#include "mras/sip_handler.hpp"

#include <gtest/gtest.h>

#include "auth/pool_credentials.hpp"
#include "mras_test_support.hpp"

namespace avedge::mras {
namespace {

constexpr UnixSeconds kNow = 1'700'000'000;

SipRequest request(const std::string& method, const std::string& content_type,
                   const std::string& body) {
  SipRequest r;
  r.method = method;
  r.uri = "sip:edge02.contoso.local:5062;grid";
  r.headers = {{"Via", "SIP/2.0/TLS 172.16.7.6:60353;branch=z9hG4bK58E6"},
               {"Via", "SIP/2.0/TLS 172.16.7.8:58674;ms-received-port=58674"},
               {"From", "\"Alice\"<sip:alice@contoso.com>;tag=6392822386"},
               {"To", "<sip:edge02.contoso.local@contoso.com;gruu>"},
               {"Call-ID", "3ca1e573619f"},
               {"CSeq", "1 SERVICE"}};
  if (!content_type.empty()) r.headers.emplace_back("Content-Type", content_type);
  r.body = body;
  return r;
}

class SipHandler : public ::testing::Test {
 protected:
  Counters counters;
  CredentialService svc{test::two_pools(), "avedge.local", counters};
  Requester pool01{Channel::SipTcp, {}, IpAddress::parse("127.0.0.1"), {}};
  Requester rogue{Channel::SipTcp, {}, IpAddress::parse("10.0.0.66"), {}};
};

TEST_F(SipHandler, ServiceFromAuthorizedFrontEndGets200WithCredentials) {
  const auto out = handle_sip(request("SERVICE", std::string(kContentType), test::sipe_request()),
                              pool01, svc, counters, kNow);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->rfind("SIP/2.0 200 OK\r\n", 0), 0u) << *out;
  // Both Vias in order, From, To with a tag, Call-ID, CSeq (RFC 3261 §8.2.6.2).
  const size_t v1 = out->find("Via: SIP/2.0/TLS 172.16.7.6:60353;branch=z9hG4bK58E6\r\n");
  const size_t v2 = out->find("Via: SIP/2.0/TLS 172.16.7.8:58674;ms-received-port=58674\r\n");
  ASSERT_NE(v1, std::string::npos);
  ASSERT_NE(v2, std::string::npos);
  EXPECT_LT(v1, v2);
  EXPECT_NE(out->find("From: \"Alice\"<sip:alice@contoso.com>;tag=6392822386\r\n"),
            std::string::npos);
  EXPECT_NE(out->find("To: <sip:edge02.contoso.local@contoso.com;gruu>;tag="), std::string::npos);
  EXPECT_NE(out->find("Call-ID: 3ca1e573619f\r\n"), std::string::npos);
  EXPECT_NE(out->find("CSeq: 1 SERVICE\r\n"), std::string::npos);
  EXPECT_NE(out->find("Content-Type: application/msrtc-media-relay-auth+xml\r\n"),
            std::string::npos);
  const size_t body_at = out->find("\r\n\r\n") + 4;
  EXPECT_NE(out->find("Content-Length: " + std::to_string(out->size() - body_at) + "\r\n"),
            std::string::npos);
  const auto resp = parse_response(out->substr(body_at));
  ASSERT_TRUE(resp.has_value());
  EXPECT_EQ(resp->reason, Reason::Ok);
  EXPECT_EQ(resp->credentials.at(0).relays.at(0).host_name, "av1.contoso.com");
  EXPECT_EQ(counters.grants.load(), 1u);
}

TEST_F(SipHandler, UnauthorizedGets403WithMsDiagnosticsAndNoCredentials) {
  const auto out = handle_sip(request("SERVICE", std::string(kContentType), test::sipe_request()),
                              rogue, svc, counters, kNow);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->rfind("SIP/2.0 403 Forbidden\r\n", 0), 0u) << *out;
  EXPECT_NE(out->find("ms-diagnostics: 9001;source=\"edge02.contoso.local\";reason=\""),
            std::string::npos)
      << *out;
  EXPECT_NE(out->find(";component=\"Media Relay Authentication Service\"\r\n"), std::string::npos);
  EXPECT_EQ(out->find("<username>"), std::string::npos);
  EXPECT_EQ(out->find("<password>"), std::string::npos);
  EXPECT_NE(out->find("reasonPhrase=\"Forbidden\""), std::string::npos);
  EXPECT_EQ(counters.refused(Diag::NotAuthorizedServer), 1u);
}

TEST_F(SipHandler, OtherMethodsGet405WithAllow) {
  const auto out =
      handle_sip(request("INVITE", "application/sdp", "v=0"), pool01, svc, counters, kNow);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->rfind("SIP/2.0 405 Method Not Allowed\r\n", 0), 0u);
  EXPECT_NE(out->find("Allow: SERVICE\r\n"), std::string::npos);
  EXPECT_NE(out->find("Content-Length: 0\r\n\r\n"), std::string::npos);
  EXPECT_FALSE(handle_sip(request("ACK", "", ""), pool01, svc, counters, kNow).has_value());
}

TEST_F(SipHandler, OtherContentTypesGet415WithAccept) {
  for (const char* ct : {"application/sdp", "", "application/msrtc-media-relay-auth"}) {
    const auto out =
        handle_sip(request("SERVICE", ct, test::sipe_request()), pool01, svc, counters, kNow);
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(out->rfind("SIP/2.0 415 Unsupported Media Type\r\n", 0), 0u) << ct;
    EXPECT_NE(out->find("Accept: application/msrtc-media-relay-auth+xml\r\n"), std::string::npos);
  }
  // Parameters and case do not matter (RFC 3261 §20.15, RFC 2045).
  const auto ok =
      handle_sip(request("SERVICE", "Application/MSRTC-Media-Relay-Auth+XML; charset=utf-8",
                         test::sipe_request()),
                 pool01, svc, counters, kNow);
  EXPECT_EQ(ok->rfind("SIP/2.0 200 OK", 0), 0u);
}

TEST_F(SipHandler, MalformedXmlGetsXmlErrorWithDiagnostics) {
  const auto out = handle_sip(request("SERVICE", std::string(kContentType), "<request"), pool01,
                              svc, counters, kNow);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->rfind("SIP/2.0 200 OK", 0), 0u);
  EXPECT_NE(out->find("reasonPhrase=\"Request Malformed\""), std::string::npos);
  EXPECT_NE(out->find("ms-diagnostics: 9004;"), std::string::npos);
  EXPECT_EQ(out->find("<username>"), std::string::npos);
}

TEST_F(SipHandler, MissingMandatoryHeaderGets400) {
  SipRequest r = request("SERVICE", std::string(kContentType), test::sipe_request());
  r.headers.erase(r.headers.begin() + 4);  // Call-ID
  const auto out = handle_sip(r, pool01, svc, counters, kNow);
  EXPECT_EQ(out->rfind("SIP/2.0 400 Bad Request", 0), 0u);
}

TEST_F(SipHandler, FramingErrorGetsAnAnswerCopyingWhatParsed) {
  SipError e;
  e.status = 413;
  e.reason = "body larger than 64 KiB";
  e.head = "SERVICE sip:x SIP/2.0\r\nVia: SIP/2.0/TCP 1.2.3.4;branch=z9hG4bKq\r\nCall-ID: c1";
  const std::string out = handle_sip_error(e, svc, counters);
  EXPECT_EQ(out.rfind("SIP/2.0 413 Request Entity Too Large\r\n", 0), 0u);
  EXPECT_NE(out.find("Via: SIP/2.0/TCP 1.2.3.4;branch=z9hG4bKq\r\n"), std::string::npos);
  EXPECT_NE(out.find("ms-diagnostics: 9011;"), std::string::npos);
}

}  // namespace
}  // namespace avedge::mras

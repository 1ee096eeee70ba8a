#include "mras/xml_codec.hpp"

#include <gtest/gtest.h>

#include "mras_test_support.hpp"

namespace avedge::mras {
namespace {

TEST(MrasXml, ParsesSipeVersion1Request) {
  const ParseResult r = parse_request(test::sipe_request());
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.request.request_id, "123456");
  EXPECT_EQ(r.request.version, "1.0");
  EXPECT_EQ(r.request.from, "sip:alice@contoso.com");
  ASSERT_EQ(r.request.credentials.size(), 1u);
  const CredentialsRequest& c = r.request.credentials[0];
  EXPECT_EQ(c.id, "123456");
  EXPECT_EQ(c.identity, "sip:alice@contoso.com");
  EXPECT_EQ(c.location, Location::Internet);
  ASSERT_TRUE(c.duration_minutes.has_value());
  EXPECT_EQ(*c.duration_minutes, 480u);
}

TEST(MrasXml, ParsesLync2010Version2RequestWithPrefixAndWhitespace) {
  const std::string body =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
      "<m:request xmlns:m=\"http://schemas.microsoft.com/2006/09/sip/mrasp\" requestID=\"3757984\" "
      "version=\"2.0\" to=\"sip:edge@contoso.com;gruu\" from=\"sip:bob@contoso.com\">\n"
      "  <m:credentialsRequest credentialsRequestID=\"3757984\">\n"
      "    <m:identity> sip:bob@contoso.com </m:identity>\n"
      "    <m:location>intranet</m:location>\n"
      "    <m:duration>60</m:duration>\n"
      "  </m:credentialsRequest>\n"
      "</m:request>";
  const ParseResult r = parse_request(body);
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.request.version, "2.0");
  EXPECT_EQ(r.request.credentials.at(0).identity, "sip:bob@contoso.com");
  EXPECT_EQ(r.request.credentials.at(0).location, Location::Intranet);
  EXPECT_EQ(*r.request.credentials.at(0).duration_minutes, 60u);
}

TEST(MrasXml, RequestRoundTripsBothVersions) {
  for (const char* version : {"1.0", "2.0"}) {
    Request in;
    in.request_id = "42";
    in.version = version;
    in.to = "sip:mras@contoso.com";
    in.from = "sip:carol@contoso.com";
    in.credentials.push_back({"7", "sip:carol@contoso.com", Location::Intranet, 480u});
    in.credentials.push_back({"8", "sip:dave@contoso.com", Location::Internet, std::nullopt});
    const ParseResult out = parse_request(build_request(in));
    ASSERT_TRUE(out.ok()) << out.detail;
    EXPECT_EQ(out.request.version, version);
    ASSERT_EQ(out.request.credentials.size(), 2u);
    EXPECT_EQ(out.request.credentials[0].identity, "sip:carol@contoso.com");
    EXPECT_EQ(*out.request.credentials[0].duration_minutes, 480u);
    EXPECT_FALSE(out.request.credentials[1].duration_minutes.has_value());
  }
}

TEST(MrasXml, ResponseRoundTripsWithSpecElementNames) {
  Response r;
  r.version = "1.0";
  r.request_id = "123456";
  r.to = "sip:mras@contoso.com";
  r.from = "sip:alice@contoso.com";
  CredentialsResponse c;
  c.id = "123456";
  c.username = "YXYBAAA=";
  c.password = "cGFzcw==";
  c.duration_minutes = 480;
  c.realm = "avedge.local";
  c.relays.push_back({Location::Internet, "av1.contoso.com", 3478, 443});
  r.credentials.push_back(c);
  const std::string xml = build_response(r);
  EXPECT_NE(xml.find("xmlns=\"http://schemas.microsoft.com/2006/09/sip/mrasp\""),
            std::string::npos);
  EXPECT_NE(xml.find("reasonPhrase=\"OK\""), std::string::npos);
  EXPECT_NE(xml.find("<credentialsResponse credentialsRequestID=\"123456\"><credentials>"
                     "<username>YXYBAAA=</username><password>cGFzcw==</password>"
                     "<duration>480</duration><realm>avedge.local</realm></credentials>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<mediaRelayList><mediaRelay><location>internet</location><hostName>"
                     "av1.contoso.com</hostName><udpPort>3478</udpPort><tcpPort>443</tcpPort>"
                     "</mediaRelay></mediaRelayList>"),
            std::string::npos)
      << xml;
  const auto back = parse_response(xml);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->reason, Reason::Ok);
  EXPECT_EQ(back->version, "1.0");
  EXPECT_EQ(back->credentials.at(0).username, "YXYBAAA=");
  EXPECT_EQ(back->credentials.at(0).relays.at(0).host_name, "av1.contoso.com");
  EXPECT_EQ(*back->credentials.at(0).relays.at(0).udp_port, 3478);
  EXPECT_EQ(*back->credentials.at(0).relays.at(0).tcp_port, 443);
}

TEST(MrasXml, ReasonPhrasesAreTheSpecEnumeration) {
  EXPECT_EQ(reason_phrase(Reason::Ok), "OK");
  EXPECT_EQ(reason_phrase(Reason::RequestMalformed), "Request Malformed");
  EXPECT_EQ(reason_phrase(Reason::RequestTooLarge), "Request Too Large");
  EXPECT_EQ(reason_phrase(Reason::Forbidden), "Forbidden");
  EXPECT_EQ(reason_phrase(Reason::VersionMismatch), "Version Mismatch");
}

TEST(MrasXml, UnknownVersionIsVersionMismatchWithALowerVersion) {
  const ParseResult r = parse_request(test::sipe_request("sip:a@contoso.com", "internet", "3.0"));
  EXPECT_EQ(r.reason, Reason::VersionMismatch);
  const Response e = error_response(r);
  EXPECT_EQ(e.version, "2.0");  // §3.1.5.2.2: highest supported below the client's
  EXPECT_EQ(e.request_id, "123456");
  const std::string xml = build_response(e);
  EXPECT_NE(xml.find("reasonPhrase=\"Version Mismatch\""), std::string::npos);
  EXPECT_EQ(mismatch_version("1.5"), "1.0");
  EXPECT_EQ(mismatch_version("10.0"), "2.0");
  EXPECT_EQ(mismatch_version("junk"), "2.0");
}

TEST(MrasXml, MalformedRequestsGetRequestMalformedWithoutEchoedIds) {
  const std::string good = test::sipe_request();
  const std::vector<std::string> bad = {
      "",
      "not xml at all",
      good.substr(0, good.size() / 2),  // truncated
      "<request/>",
      "<response requestID=\"1\" version=\"1.0\" reasonPhrase=\"OK\"/>",
      test::sipe_request("sip:a@contoso.com", "moon"),
      "<request requestID=\"1\" version=\"1.0\" to=\"sip:a@b\" from=\"sip:c@d\"/>",  // no creds
      "<request requestID=\"1\" version=\"1.0\" to=\"http://x\" from=\"sip:c@d\">"
      "<credentialsRequest credentialsRequestID=\"1\"><identity>sip:a@b</identity>"
      "<location>internet</location></credentialsRequest></request>",
      "<request requestID=\"1\" version=\"1.0\" to=\"sip:a@b\" from=\"sip:c@d\">"
      "<credentialsRequest credentialsRequestID=\"1\"><identity>sip:a@b</identity>"
      "<location>internet</location><duration>-5</duration></credentialsRequest></request>",
      "<request requestID=\"1\" version=\"1.0\" to=\"sip:a@b\" from=\"sip:c@d\">"
      "<credentialsRequest credentialsRequestID=\"1\"><identity>sip:a@b</identity>"
      "<location>internet</location><duration>99999999999</duration></credentialsRequest>"
      "</request>",
      "<request xmlns=\"urn:other\" requestID=\"1\" version=\"1.0\" to=\"sip:a@b\" "
      "from=\"sip:c@d\"><credentialsRequest credentialsRequestID=\"1\"><identity>sip:a@b"
      "</identity><location>internet</location></credentialsRequest></request>",
  };
  for (const auto& b : bad) {
    const ParseResult r = parse_request(b);
    EXPECT_EQ(r.reason, Reason::RequestMalformed) << b;
    const std::string xml = build_response(error_response(r));
    EXPECT_NE(xml.find("reasonPhrase=\"Request Malformed\""), std::string::npos);
    EXPECT_EQ(xml.find("requestID"), std::string::npos) << xml;
  }
}

TEST(MrasXml, RefusesDoctypeAndEntityExpansion) {
  const std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
      "<request requestID=\"1\" version=\"1.0\" to=\"sip:a@b\" from=\"sip:c@d\">"
      "<credentialsRequest credentialsRequestID=\"1\"><identity>&lol3;</identity>"
      "<location>internet</location></credentialsRequest></request>";
  const ParseResult r = parse_request(laughs);
  EXPECT_EQ(r.reason, Reason::RequestMalformed);
  EXPECT_NE(r.detail.find("DOCTYPE"), std::string::npos);
  const std::string external =
      "<!DOCTYPE request SYSTEM \"file:///etc/passwd\"><request requestID=\"1\"/>";
  EXPECT_EQ(parse_request(external).reason, Reason::RequestMalformed);
  // An undeclared entity reference is not expanded, and not well-formed text for the identity.
  const ParseResult undeclared = parse_request(test::sipe_request("&xxe;"));
  EXPECT_FALSE(undeclared.ok() && undeclared.request.credentials[0].identity != "&xxe;");
}

TEST(MrasXml, RefusesDeepNestingAndHugeBodies) {
  std::string deep = "<request requestID=\"1\" version=\"1.0\" to=\"sip:a@b\" from=\"sip:c@d\">";
  for (int i = 0; i < 20000; ++i) deep += "<a>";  // 60 KiB: under the size cap
  const ParseResult r = parse_request(deep);      // not even well formed: refused either way
  EXPECT_EQ(r.reason, Reason::RequestMalformed);
  std::string nested = "<request requestID=\"1\" version=\"1.0\" to=\"sip:a@b\" from=\"sip:c@d\">";
  for (int i = 0; i < 20; ++i) nested += "<a>";
  for (int i = 0; i < 20; ++i) nested += "</a>";
  nested += "</request>";
  const ParseResult n = parse_request(nested);
  EXPECT_EQ(n.reason, Reason::RequestMalformed);
  EXPECT_NE(n.detail.find("deeper"), std::string::npos) << n.detail;
  const std::string huge(kMaxBody + 1, 'x');
  EXPECT_EQ(parse_request(huge).reason, Reason::RequestTooLarge);
}

TEST(MrasXml, MoreThanHundredCredentialsRequestsIsTooLarge) {
  Request in;
  in.request_id = "1";
  in.version = "2.0";
  in.to = "sip:a@b";
  in.from = "sip:c@d";
  for (int i = 0; i < 101; ++i) {
    in.credentials.push_back({std::to_string(i), "sip:a@contoso.com", Location::Internet, 1u});
  }
  const ParseResult r = parse_request(build_request(in));
  EXPECT_EQ(r.reason, Reason::RequestTooLarge);
  EXPECT_EQ(build_response(error_response(r)).find("reasonPhrase=\"Request Too Large\"") ==
                std::string::npos,
            false);
}

TEST(MrasXml, ParseResponseRejectsGarbage) {
  EXPECT_FALSE(parse_response("").has_value());
  EXPECT_FALSE(parse_response("<response/>").has_value());
  EXPECT_FALSE(parse_response("<response version=\"1.0\" reasonPhrase=\"Nope\"/>").has_value());
  EXPECT_TRUE(parse_response("<response version=\"2.0\" reasonPhrase=\"Forbidden\"/>").has_value());
}

}  // namespace
}  // namespace avedge::mras

#include "mras/sip_message.hpp"

#include <gtest/gtest.h>

#include "mras_test_support.hpp"

namespace avedge::mras {
namespace {

std::string service(const std::string& body, const std::string& extra = {}) {
  return "SERVICE sip:edge01.contoso.local:5062;grid SIP/2.0\r\n"
         "Via: SIP/2.0/TCP 10.0.0.5:5061;branch=z9hG4bK1\r\n"
         "From: <sip:alice@contoso.com>;tag=abc\r\n"
         "To: <sip:edge01.contoso.local@contoso.com;gruu>\r\n"
         "Call-ID: 3ca1e573\r\n"
         "CSeq: 1 SERVICE\r\n" +
         extra + "Content-Type: application/msrtc-media-relay-auth+xml\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(SipFramer, OneMessageSplitAcrossManyReads) {
  const std::string msg = service(test::sipe_request());
  SipFramer f;
  for (size_t i = 0; i < msg.size(); ++i) {
    f.feed(msg.substr(i, 1));
    const auto r = f.next();
    if (i + 1 < msg.size()) {
      ASSERT_EQ(r.kind, SipFramer::Kind::Need) << i;
    } else {
      ASSERT_EQ(r.kind, SipFramer::Kind::Request);
      EXPECT_EQ(r.request.method, "SERVICE");
      EXPECT_EQ(r.request.body, test::sipe_request());
    }
  }
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(SipFramer, TwoMessagesInOneRead) {
  SipFramer f;
  f.feed(service("<a/>") + "\r\n" + service("<b/>"));
  auto a = f.next();
  auto b = f.next();
  ASSERT_EQ(a.kind, SipFramer::Kind::Request);
  ASSERT_EQ(b.kind, SipFramer::Kind::Request);
  EXPECT_EQ(a.request.body, "<a/>");
  EXPECT_EQ(b.request.body, "<b/>");
  EXPECT_EQ(f.next().kind, SipFramer::Kind::Need);
}

TEST(SipFramer, CompactHeadersFoldingAndCase) {
  SipFramer f;
  f.feed(
      "SERVICE sip:mras SIP/2.0\r\n"
      "v: SIP/2.0/TCP 1.2.3.4;branch=z9hG4bKx\r\n"
      "f: <sip:a@contoso.com>;tag=1\r\n"
      "t: <sip:mras@contoso.com>\r\n"
      "i: call-1\r\n"
      "cseq: 7 SERVICE\r\n"
      "Subject: folded\r\n"
      " continues here\r\n"
      "c: application/msrtc-media-relay-auth+xml\r\n"
      "l: 3\r\n\r\nxyz");
  auto r = f.next();
  ASSERT_EQ(r.kind, SipFramer::Kind::Request);
  EXPECT_EQ(r.request.body, "xyz");
  EXPECT_EQ(*r.request.header("Content-Type"), "application/msrtc-media-relay-auth+xml");
  EXPECT_EQ(*r.request.header("content-length"), "3");
  EXPECT_EQ(*r.request.header("Via"), "SIP/2.0/TCP 1.2.3.4;branch=z9hG4bKx");
  EXPECT_EQ(*r.request.header("call-id"), "call-1");
  EXPECT_EQ(*r.request.header("CSeq"), "7 SERVICE");
  EXPECT_EQ(*r.request.header("Subject"), "folded continues here");
}

TEST(SipFramer, MissingCrlfCrlfIsCappedAt16KiB) {
  SipFramer f;
  std::string head = "SERVICE sip:mras SIP/2.0\r\nX-Pad: ";
  f.feed(head);
  EXPECT_EQ(f.next().kind, SipFramer::Kind::Need);
  f.feed(std::string(kMaxHeaderSection, 'a'));
  const auto r = f.next();
  ASSERT_EQ(r.kind, SipFramer::Kind::Error);
  EXPECT_EQ(r.error.status, 400);
  EXPECT_TRUE(r.error.close);
}

TEST(SipFramer, BareLfLineEndingsAreRefused) {
  SipFramer f;
  f.feed("SERVICE sip:mras SIP/2.0\nVia: x\nContent-Length: 0\r\n\r\n");
  const auto r = f.next();
  ASSERT_EQ(r.kind, SipFramer::Kind::Error);
  EXPECT_EQ(r.error.status, 400);
}

TEST(SipFramer, HugeOrBadContentLength) {
  {
    SipFramer f;
    f.feed(service("").replace(service("").find("Content-Length: 0"), 17,
                               "Content-Length: 99999999999"));
    const auto r = f.next();
    ASSERT_EQ(r.kind, SipFramer::Kind::Error);
    EXPECT_EQ(r.error.status, 400);  // more than 10 digits: malformed
  }
  {
    SipFramer f;
    f.feed(service("").replace(service("").find("Content-Length: 0"), 17, "Content-Length: 70000"));
    const auto r = f.next();
    ASSERT_EQ(r.kind, SipFramer::Kind::Error);
    EXPECT_EQ(r.error.status, 413);
    EXPECT_FALSE(r.error.head.empty());
  }
  for (const char* bad : {"Content-Length: -1", "Content-Length: 1x", "Content-Length: "}) {
    SipFramer f;
    std::string m = service("");
    m.replace(m.find("Content-Length: 0"), 17, bad);
    f.feed(m);
    EXPECT_EQ(f.next().kind, SipFramer::Kind::Error) << bad;
  }
  {
    SipFramer f;
    f.feed(service("ab", "Content-Length: 5\r\n"));
    EXPECT_EQ(f.next().kind, SipFramer::Kind::Error);  // conflicting lengths
  }
}

TEST(SipFramer, GarbageAndResponsesAreErrors) {
  for (const char* g :
       {"\x16\x03\x01\x02\x05\r\n\r\n", "HELLO\r\n\r\n",
        "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", "SERVICE sip:x HTTP/1.1\r\n\r\n",
        "SERVICE  SIP/2.0\r\n\r\n", "SERVICE sip:x SIP/2.0\r\nNoColon\r\n\r\n"}) {
    SipFramer f;
    f.feed(std::string(g));
    EXPECT_EQ(f.next().kind, SipFramer::Kind::Error) << g;
  }
}

TEST(SipFramer, LeadingKeepaliveCrlfsAreIgnored) {
  SipFramer f;
  f.feed("\r\n\r\n\r\n");
  EXPECT_EQ(f.next().kind, SipFramer::Kind::Need);
  f.feed(service("x"));
  EXPECT_EQ(f.next().kind, SipFramer::Kind::Request);
}

TEST(SipFramer, MissingContentLengthMeansEmptyBody) {
  SipFramer f;
  f.feed("OPTIONS sip:x SIP/2.0\r\nVia: v\r\n\r\n");
  const auto r = f.next();
  ASSERT_EQ(r.kind, SipFramer::Kind::Request);
  EXPECT_TRUE(r.request.body.empty());
}

}  // namespace
}  // namespace avedge::mras

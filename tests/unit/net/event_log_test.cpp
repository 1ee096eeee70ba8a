#include "net/event_log.hpp"

#include <gtest/gtest.h>

namespace avedge::net {
namespace {

TEST(EventLog, JsonLineWithEscapedUsername) {
  turn::ClientTuple t{turn::Transport::Tcp, *Endpoint::parse("192.0.2.1:5000"),
                      *Endpoint::parse("198.51.100.1:3478"), 7};
  turn::EventInfo e{turn::Event::AuthStaleNonce, &t, "al\"ice\n", "x\\y"};
  const std::string line = format_event(e, 2);
  EXPECT_EQ(line.rfind("{\"event\":\"", 0), 0U) << line;
  EXPECT_NE(line.find("\"code\":2002"), std::string::npos) << line;
  EXPECT_NE(line.find("\"worker\":2"), std::string::npos);
  EXPECT_NE(line.find("\"transport\":\"tcp\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"client\":\"192.0.2.1:5000\""), std::string::npos);
  EXPECT_NE(line.find("\"conn\":7"), std::string::npos);
  EXPECT_NE(line.find("\"user\":\"al\\\"ice\\u000a\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"detail\":\"x\\\\y\""), std::string::npos) << line;
  EXPECT_EQ(line.back(), '}');
}

TEST(EventLog, NoTupleNoUser) {
  turn::EventInfo e{turn::Event::AllocationExpired, nullptr, {}, {}};
  const std::string line = format_event(e, 0);
  EXPECT_EQ(line.find("client"), std::string::npos);
  EXPECT_EQ(line.find("user"), std::string::npos);
}

}  // namespace
}  // namespace avedge::net

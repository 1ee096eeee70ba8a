#include "net/event_log.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace avedge::net {
namespace {

constexpr int64_t kNoon = 1'764'072'000'000;  // 2025-11-25T12:00:00Z

TEST(EventLog, JsonLineWithEscapedUsername) {
  turn::ClientTuple t{turn::Transport::Tcp, *Endpoint::parse("192.0.2.1:5000"),
                      *Endpoint::parse("198.51.100.1:3478"), 7};
  turn::EventInfo e{turn::Event::AuthStaleNonce, &t, "al\"ice\n", "x\\y"};
  const std::string line = format_event(e, 2, kNoon + 5);
  EXPECT_EQ(line.rfind(R"({"time":"2025-11-25T12:00:00.005Z","id":2002,)", 0), 0U) << line;
  EXPECT_NE(line.find(R"("event":"auth.stale_nonce","severity":"info")"), std::string::npos);
  EXPECT_NE(line.find("\"worker\":2"), std::string::npos);
  EXPECT_NE(line.find("\"transport\":\"tcp\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"client\":\"192.0.2.1:5000\""), std::string::npos);
  EXPECT_NE(line.find("\"server\":\"198.51.100.1:3478\""), std::string::npos);
  EXPECT_NE(line.find("\"conn\":7"), std::string::npos);
  EXPECT_NE(line.find("\"user\":\"al\\\"ice\\u000a\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"detail\":\"x\\\\y\""), std::string::npos) << line;
  EXPECT_EQ(line.back(), '}');
}

TEST(EventLog, NoTupleNoUser) {
  turn::EventInfo e{turn::Event::AllocationExpired, nullptr, {}, {}};
  const std::string line = format_event(e, 0, kNoon);
  EXPECT_EQ(line.find("client"), std::string::npos);
  EXPECT_EQ(line.find("user"), std::string::npos);
  EXPECT_NE(line.find("\"severity\":\"info\""), std::string::npos);
}

TEST(EventRateLimiter, FloodOf100kIdenticalEventsGivesKLinesAndOneExactSummary) {
  EventRateLimiter limiter(10);
  const auto ip = IpAddress::parse("203.0.113.9");
  std::vector<std::string> summaries;
  int written = 0;
  for (int i = 0; i < 100'000; ++i) {
    if (limiter.admit(turn::Event::AuthBadIntegrity, ip, 5'000 + i / 1'000'000, summaries)) {
      ++written;
    }
  }
  EXPECT_EQ(written, 10);
  EXPECT_TRUE(summaries.empty());
  // The next window (or an explicit flush) writes the summary with the exact count.
  EXPECT_TRUE(limiter.admit(turn::Event::AuthBadIntegrity, ip, 6'000, summaries));
  ASSERT_EQ(summaries.size(), 1U);
  EXPECT_NE(summaries[0].find("\"suppressed\":99990"), std::string::npos) << summaries[0];
  EXPECT_NE(summaries[0].find("\"event\":\"auth.bad_integrity\""), std::string::npos);
  EXPECT_NE(summaries[0].find("\"client_ip\":\"203.0.113.9\""), std::string::npos);
}

TEST(EventRateLimiter, ExpireWritesTheSummaryWithoutAnotherEvent) {
  EventRateLimiter limiter(2);
  std::vector<std::string> out;
  for (int i = 0; i < 7; ++i) limiter.admit(turn::Event::AuthUnknownUser, std::nullopt, 100, out);
  limiter.expire(900, out);  // the window is not over
  EXPECT_TRUE(out.empty());
  limiter.expire(1'100, out);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_NE(out[0].find("\"suppressed\":5"), std::string::npos) << out[0];
  EXPECT_EQ(out[0].find("client_ip"), std::string::npos);
  limiter.expire(5'000, out);  // nothing pending: nothing more
  EXPECT_EQ(out.size(), 1U);
}

TEST(EventRateLimiter, FloodOverTenSecondsStaysBoundedPerWindow) {
  EventRateLimiter limiter(5);
  const auto ip = IpAddress::parse("198.51.100.4");
  std::vector<std::string> lines;
  uint64_t suppressed = 0;
  int written = 0;
  for (int i = 0; i < 100'000; ++i) {
    if (limiter.admit(turn::Event::DropNoPermission, ip, i / 10, lines)) ++written;  // 10 s
  }
  limiter.flush(10'000, lines);
  for (const auto& l : lines) {
    const auto p = l.find("\"suppressed\":");
    ASSERT_NE(p, std::string::npos);
    suppressed += std::stoull(l.substr(p + 13));
  }
  EXPECT_EQ(written, 50);        // 5 per one-second window
  EXPECT_EQ(lines.size(), 10U);  // one summary per window
  EXPECT_EQ(suppressed + static_cast<uint64_t>(written), 100'000U);
}

TEST(EventRateLimiter, SourcesAreLimitedSeparatelyAndMemoryIsBounded) {
  EventRateLimiter limiter(1, 64);
  std::vector<std::string> lines;
  // Two sources each get their own quota.
  EXPECT_TRUE(limiter.admit(turn::Event::AuthUnknownUser, IpAddress::parse("192.0.2.1"), 0, lines));
  EXPECT_TRUE(limiter.admit(turn::Event::AuthUnknownUser, IpAddress::parse("192.0.2.2"), 0, lines));
  EXPECT_FALSE(
      limiter.admit(turn::Event::AuthUnknownUser, IpAddress::parse("192.0.2.1"), 0, lines));
  // A spray from 100k addresses never holds more than max_keys (+ one per event id) keys, and
  // writes at most 20 x per_second lines in the window.
  int written = 0;
  for (uint32_t i = 0; i < 100'000; ++i) {
    written +=
        limiter.admit(turn::Event::AuthUnknownUser, IpAddress::v4(0x0a000000U + i), 0, lines);
  }
  EXPECT_LE(limiter.keys(), 65U);
  EXPECT_EQ(written, 18);  // 20 in all, 2 of them above
  limiter.flush(1'000, lines);
  EXPECT_LE(lines.size(), 65U);
  uint64_t suppressed = 0;
  for (const auto& l : lines) suppressed += std::stoull(l.substr(l.find("\"suppressed\":") + 13));
  EXPECT_EQ(suppressed + 2 + 18, 100'003U);  // every event is either written or counted
  EXPECT_EQ(limiter.keys(), 0U);
}

TEST(EventLog, FileTargetGetsRateLimitedLinesWithoutSecrets) {
  const std::string path = ::testing::TempDir() + "avedge-events-test.jsonl";
  std::remove(path.c_str());
  std::string error;
  ASSERT_TRUE(configure_event_log({path, turn::Severity::Info, 3}, error)) << error;
  turn::ClientTuple t{turn::Transport::Udp, *Endpoint::parse("192.0.2.50:4000"),
                      *Endpoint::parse("127.0.0.1:3478"), 0};
  // The core passes the username, never the password; a hostile username is escaped.
  const turn::EventInfo e{turn::Event::AuthBadIntegrity, &t, "mallory\"}\n{\"x", "bad"};
  for (int i = 0; i < 100'000; ++i) log_event(e, 0);
  // Debug-severity events are filtered at level info.
  log_event({turn::Event::DropNoPermission, &t, "", ""}, 0);
  ASSERT_TRUE(configure_event_log({"stderr", turn::Severity::Info, 10}, error));
  std::ifstream f(path);
  std::string line;
  int lines = 0;
  while (std::getline(f, line)) {
    ++lines;
    EXPECT_EQ(line.rfind("{\"time\":", 0), 0U) << line;
    EXPECT_EQ(line.find("drop.no_permission"), std::string::npos);
    EXPECT_EQ(line.find("secret"), std::string::npos);
    if (line.find("\"suppressed\":") != std::string::npos) continue;  // a summary line
    EXPECT_NE(line.find(R"("user":"mallory\"}\u000a{\"x")"), std::string::npos) << line;
  }
  // 3 per second; 100k calls take well under the time that would allow more than a few windows.
  EXPECT_GE(lines, 3);
  EXPECT_LE(lines, 30);
  std::remove(path.c_str());
}

TEST(EventLog, EventsOfOtherLayersGetTheSameHeadAndLimit) {
  const std::string path = ::testing::TempDir() + "avedge-events-mras-test.jsonl";
  std::remove(path.c_str());
  std::string error;
  ASSERT_TRUE(configure_event_log({path, turn::Severity::Info, 2}, error)) << error;
  const EventKind refused{5001, "mras.refused", "warning"};
  for (int i = 0; i < 50; ++i) {
    log_event_fields(refused, turn::Severity::Warning, R"(,"code":"9002","requester":"x")");
  }
  log_event_fields({5000, "mras.grant", "debug"}, turn::Severity::Debug, "");  // below info
  ASSERT_TRUE(configure_event_log({"stderr", turn::Severity::Info, 10}, error));
  std::ifstream f(path);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(f, line)) lines.push_back(line);
  ASSERT_GE(lines.size(), 1U);
  ASSERT_LE(lines.size(), 6U);  // 2 per second; the test takes well under 3 s
  EXPECT_EQ(lines[0].find(R"({"time":")"), 0U) << lines[0];
  EXPECT_NE(lines[0].find(R"("id":5001,"event":"mras.refused","severity":"warning","code":"9002")"),
            std::string::npos)
      << lines[0];
  EXPECT_EQ(lines[0].back(), '}');
  std::remove(path.c_str());
}

TEST(EventLog, UnwritableTargetIsAClearError) {
  std::string error;
  EXPECT_FALSE(configure_event_log({"/nonexistent-dir/x/events.jsonl", {}, 10}, error));
  EXPECT_NE(error.find("cannot open the event log /nonexistent-dir/x/events.jsonl"),
            std::string::npos)
      << error;
}

TEST(EventLog, LevelNames) {
  EXPECT_EQ(severity_for_level("debug"), turn::Severity::Debug);
  EXPECT_EQ(severity_for_level("warn"), turn::Severity::Warning);
  EXPECT_EQ(severity_for_level("off"), std::nullopt);
}

}  // namespace
}  // namespace avedge::net

// Step lines and JSON of `avedge probe`, exit status, and --transports parsing.
#include "probe/report.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "probe/probe.hpp"

namespace avedge::probe {
namespace {

TEST(FormatStep, OneLineWithTimingAndVerdict) {
  EXPECT_EQ(format_step({"udp/allocate", true, 12, "relayed 127.0.0.31:50012"}, false),
            "PASS  udp/allocate            12 ms  relayed 127.0.0.31:50012\n");
  EXPECT_EQ(format_step({"mras", false, 3001, "no MRAS answer"}, false),
            "FAIL  mras                  3001 ms  no MRAS answer\n");
  EXPECT_EQ(format_step({"mras", false, 1, "x"}, true),
            "\033[31mFAIL\033[0m  mras                     1 ms  x\n");
}

TEST(FormatHuman, SummaryCounts) {
  const std::vector<Step> steps{{"a", true, 1, "x"}, {"b", false, 2, "y"}};
  const std::string s = format_human(steps, false);
  EXPECT_NE(s.find("probe: 2 steps, 1 passed, 1 failed\n"), std::string::npos) << s;
}

TEST(FormatJson, ArrayOfSteps) {
  const std::vector<Step> steps{{"tls/binding", true, 4, "server-reflexive 1.2.3.4:5"},
                                {"tls/allocate", false, 0, "quote \" and \\ kept"}};
  const auto j = nlohmann::json::parse(format_json(steps));
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2U);
  EXPECT_EQ(j[0]["step"], "tls/binding");
  EXPECT_EQ(j[0]["pass"], true);
  EXPECT_EQ(j[0]["ms"], 4);
  EXPECT_EQ(j[1]["detail"], "quote \" and \\ kept");
}

TEST(ExitStatus, AllPassFailedOrNothing) {
  EXPECT_EQ(exit_status({{"a", true, 0, ""}}), 0);
  EXPECT_EQ(exit_status({{"a", true, 0, ""}, {"b", false, 0, ""}}), 1);
  EXPECT_EQ(exit_status({}), 1);
}

TEST(ParseTransports, ListAndErrors) {
  std::string err;
  const auto all = parse_transports("udp,tcp,tls", err);
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[2], Proto::Tls);
  EXPECT_EQ(parse_transports("tcp", err), std::vector<Proto>{Proto::Tcp});
  EXPECT_TRUE(parse_transports("udp,sctp", err).empty());
  EXPECT_NE(err.find("unknown transport \"sctp\""), std::string::npos) << err;
  EXPECT_TRUE(parse_transports("", err).empty());
}

}  // namespace
}  // namespace avedge::probe

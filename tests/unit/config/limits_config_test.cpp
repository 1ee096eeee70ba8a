// [limits] (issue 6 items 3 and 4): values, defaults, errors with file:line, and what reaches
// the TURN core.
#include <gtest/gtest.h>

#include <string>

#include "config/loader.hpp"
#include "config/runtime.hpp"

namespace avedge::config {
namespace {

std::string errors_of(const LoadResult& r) {
  std::string s;
  for (const auto& e : r.errors) s += e.to_string() + "\n";
  return s;
}

TEST(LimitsConfig, DefaultsMatchTheDefaultFile) {
  const LoadResult r = load_file(std::string(AVEDGE_SOURCE_DIR) + "/config/default.toml");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const LimitsConfig defaults;
  EXPECT_EQ(r.config.limits.challenges_per_second.value, defaults.challenges_per_second.value);
  EXPECT_EQ(r.config.limits.challenges_burst.value, defaults.challenges_burst.value);
  EXPECT_EQ(r.config.limits.connections_total.value, defaults.connections_total.value);
  EXPECT_EQ(r.config.limits.connections_per_ip.value, defaults.connections_per_ip.value);
  EXPECT_EQ(r.config.limits.idle_timeout.value, defaults.idle_timeout.value);
  EXPECT_EQ(r.config.limits.max_message_size.value, defaults.max_message_size.value);
  EXPECT_EQ(r.config.limits.challenges_per_second.value, 20U);
  EXPECT_EQ(r.config.limits.idle_timeout.value, Seconds{30});
}

TEST(LimitsConfig, ValuesReachTheServerConfig) {
  const LoadResult r = load_string(
      "[limits]\nchallenges_per_second = 0\nchallenges_burst = 7\nconnections_total = 50\n"
      "connections_per_ip = 5\nidle_timeout = \"2m\"\nmax_message_size = 4096\n",
      "l.toml");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_EQ(r.config.limits.connections_total.value, 50U);
  EXPECT_EQ(r.config.limits.connections_per_ip.value, 5U);
  EXPECT_EQ(r.config.limits.idle_timeout.value, Seconds{120});
  EXPECT_EQ(r.config.limits.max_message_size.value, 4096U);
  EXPECT_EQ(r.config.limits.connections_per_ip.where.to_string(), "l.toml:5");
  const auto s = make_server_config(r.config);
  EXPECT_EQ(s.challenge_limits.per_second, 0U);
  EXPECT_EQ(s.challenge_limits.burst, 7U);
}

TEST(LimitsConfig, BadValuesAreErrorsWithFileLineAndFix) {
  struct Case {
    const char* text;
    const char* says;
  };
  for (const Case& c : {
           Case{"[limits]\nconnections_per_ip = 0\n", "l.toml:2"},
           Case{"[limits]\nchallenges_per_second = -1\n", "must be 0 to 10000000"},
           Case{"[limits]\nmax_message_size = 100000\n", "must be 512 to 65555"},
           Case{"[limits]\nidle_timeout = 30\n", "a duration needs a unit"},
           Case{"[limits]\nidle_timout = \"30s\"\n", "idle_timeout"},
       }) {
    const LoadResult r = load_string(c.text, "l.toml");
    EXPECT_FALSE(r.ok()) << c.text;
    EXPECT_NE(errors_of(r).find(c.says), std::string::npos) << c.text << errors_of(r);
  }
}

}  // namespace
}  // namespace avedge::config

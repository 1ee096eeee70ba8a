#include "perf/series_pattern.hpp"

#include <gtest/gtest.h>

namespace avedge::perf {
namespace {

TEST(Glob, StarAndQuestionMark) {
  EXPECT_TRUE(glob_match("avedge_*_total", "avedge_drops_total"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("900?", "9003"));
  EXPECT_FALSE(glob_match("900?", "90031"));
  EXPECT_FALSE(glob_match("avedge_*_total", "avedge_allocations_active"));
  EXPECT_TRUE(glob_match("a*b*c", "axxbyyc"));
}

TEST(SeriesPattern, NameAndListedLabelsMustMatch) {
  std::string error;
  const auto p = SeriesPattern::parse("avedge_auth_failures_total{reason=bad_*}", error);
  ASSERT_TRUE(p) << error;
  EXPECT_TRUE(p->matches_key("avedge_auth_failures_total{reason=bad_integrity,transport=udp}"));
  EXPECT_FALSE(p->matches_key("avedge_auth_failures_total{reason=stale_nonce,transport=udp}"));
  EXPECT_FALSE(p->matches_key("avedge_auth_failures_total"));
  const auto any = SeriesPattern::parse("avedge_auth_failures_total", error);
  EXPECT_TRUE(any->matches_key("avedge_auth_failures_total{reason=stale_nonce,transport=udp}"));
}

TEST(SeriesPattern, Errors) {
  std::string error;
  EXPECT_FALSE(SeriesPattern::parse("{reason=x}", error));
  EXPECT_NE(error.find("needs a metric name"), std::string::npos);
  EXPECT_FALSE(SeriesPattern::parse("a{reason=x", error));
  EXPECT_NE(error.find("must end with }"), std::string::npos);
  EXPECT_FALSE(SeriesPattern::parse("a{}", error));
}

TEST(SplitKey, InverseOfSeriesKey) {
  const auto [name, labels] = split_key("x_total{a=1,b=2}");
  EXPECT_EQ(name, "x_total");
  EXPECT_EQ(labels, (LabelMap{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(series_key(name, labels), "x_total{a=1,b=2}");
}

}  // namespace
}  // namespace avedge::perf

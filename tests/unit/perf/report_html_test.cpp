#include "perf/report_html.hpp"

#include <gtest/gtest.h>

namespace avedge::perf {
namespace {

size_t count(const std::string& h, const std::string& what) {
  size_t n = 0;
  for (size_t p = h.find(what); p != std::string::npos; p = h.find(what, p + 1)) ++n;
  return n;
}

TEST(ReportHtml, ChartsBandsAndCrossingsTable) {
  Table t;
  t.columns = {{"avedge_auth_failures_total{reason=bad_integrity,transport=udp}", true},
               {"avedge_allocations_active{pool=DEVPOOL,transport=udp}", false}};
  const double sums[] = {1, 25, 30, 2, 0, 22, 3};
  for (size_t i = 0; i < 7; ++i) t.rows.push_back({1764085000.0 + double(i), {sums[i], 2}});
  const auto tmpl = load_template("edge");
  ASSERT_TRUE(tmpl.tmpl);
  const std::string h = render_report(t, *tmpl.tmpl, "run<1>.csv");
  EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_NE(h.find("run&lt;1&gt;.csv"), std::string::npos);
  // One chart per group that has series, in a section per group.
  EXPECT_NE(h.find("<section class=\"group\" id=\"group-authentication\">"), std::string::npos);
  EXPECT_NE(h.find("<section class=\"group\" id=\"group-allocations\">"), std::string::npos);
  EXPECT_EQ(count(h, "<svg class=\"chart\""), 2U);
  EXPECT_GE(count(h, "class=\"series\""), 2U);
  EXPECT_EQ(count(h, "<rect class=\"threshold-warning\""), 2U);  // auth and foreign_pool rules
  EXPECT_EQ(count(h, "<rect class=\"threshold-error\""), 2U);
  // The auth rule crossed warning and error once (rows 1-2); the single spike at row 5 is not
  // two samples in a row.
  EXPECT_EQ(count(h, "<rect class=\"crossing-warning\""), 1U);
  EXPECT_EQ(count(h, "<rect class=\"crossing-error\""), 1U);
  EXPECT_NE(h.find("<table id=\"crossings\">"), std::string::npos);
  EXPECT_EQ(count(h, "<tr class=\"crossing level-"), 2U);
  EXPECT_NE(h.find("2006 auth.bad_integrity"), std::string::npos);
  EXPECT_NE(h.find("MESSAGE-INTEGRITY does not verify"), std::string::npos);  // cause
  EXPECT_NE(h.find("check the password and realm"), std::string::npos);       // resolution
  EXPECT_NE(h.find("2025-11-25 15:36:41"), std::string::npos);                // from
  // Groups without series say so; the page loads nothing from anywhere.
  EXPECT_NE(h.find("no series of this group in the CSV"), std::string::npos);
  for (const char* external : {"<script", " src=", " href=", "@import", "url("}) {
    EXPECT_EQ(h.find(external), std::string::npos) << external;
  }
}

TEST(ReportHtml, NoCrossingsSaysSo) {
  Table t;
  t.columns = {{"avedge_auth_failures_total{reason=bad_integrity,transport=udp}", true}};
  t.rows = {{10, {1}}, {11, {2}}};
  const std::string h = render_report(t, *load_template("edge").tmpl, "a.csv");
  EXPECT_NE(h.find("no threshold was crossed"), std::string::npos);
  EXPECT_NE(h.find("Threshold crossings (0)"), std::string::npos);
}

TEST(ReportHtml, Escape) {
  EXPECT_EQ(html_escape("<a href=\"x\">&</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
}

}  // namespace
}  // namespace avedge::perf

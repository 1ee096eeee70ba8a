#include "perf/table.hpp"

#include <gtest/gtest.h>

namespace avedge::perf {
namespace {

TEST(Table, CsvRoundTripQuotesKeysWithCommas) {
  Table t;
  t.columns = {{"avedge_auth_failures_total{reason=bad_integrity,transport=udp}", true},
               {"avedge_relay_ports_free", false}};
  t.rows = {{1764085001.25, {12.5, 998}}, {1764085002.25, {std::nullopt, 997}}};
  const std::string csv = to_csv(t);
  EXPECT_EQ(csv,
            "time,\"rate(avedge_auth_failures_total{reason=bad_integrity,transport=udp})\","
            "avedge_relay_ports_free\n"
            "1764085001.25,12.5,998\n"
            "1764085002.25,,997\n");
  const auto back = parse_csv(csv, "run.csv");
  ASSERT_TRUE(back.table) << back.error;
  EXPECT_EQ(back.table->columns, t.columns);
  ASSERT_EQ(back.table->rows.size(), 2U);
  EXPECT_EQ(back.table->rows[0].values[0], 12.5);
  EXPECT_FALSE(back.table->rows[1].values[0].has_value());
  EXPECT_EQ(back.table->rows[1].values[1], 997);
}

TEST(Table, ErrorsNameFileAndLine) {
  EXPECT_EQ(parse_csv("", "run.csv").error, "run.csv:0: empty file: no header");
  EXPECT_EQ(parse_csv("when,a\n", "run.csv").error,
            "run.csv:1: the header must start with the column time");
  EXPECT_EQ(parse_csv("time,a,b\n1,2,3\n4,5\n", "run.csv").error,
            "run.csv:3: 2 cells, the header has 3");
  EXPECT_EQ(parse_csv("time,a\n1,x\n", "run.csv").error, "run.csv:2: cell 2 'x' is not a number");
  EXPECT_EQ(parse_csv("time,\"a\n", "run.csv").error, "run.csv:1: a quoted cell is not closed");
}

TEST(Table, ColumnHeaders) {
  EXPECT_EQ((Column{"x_total", true}).header(), "rate(x_total)");
  EXPECT_EQ(Column::from_header("rate(x_total{a=b})"), (Column{"x_total{a=b}", true}));
  EXPECT_EQ(Column::from_header("gauge"), (Column{"gauge", false}));
}

}  // namespace
}  // namespace avedge::perf

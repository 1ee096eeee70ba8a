// docs/EVENTS.md lists every event the TURN core emits, with its id and reason code.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "turn/io.hpp"

namespace avedge::turn {
namespace {

TEST(EventsCatalogue, EveryEventHasADistinctCodeAndARowInDocs) {
  std::ifstream f(std::string(AVEDGE_SOURCE_DIR) + "/docs/EVENTS.md");
  ASSERT_TRUE(f) << "docs/EVENTS.md missing";
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string doc = ss.str();
  std::set<std::string> seen;
  int found = 0;
  for (unsigned group = 1; group <= 4; ++group) {
    for (unsigned i = 0; i < 64; ++i) {
      const auto e = static_cast<Event>(group * 1000 + i);
      const std::string code = reason_code(e);
      if (code == "unknown") continue;
      ++found;
      EXPECT_TRUE(seen.insert(code).second) << "duplicate reason code " << code;
      const std::string row = "| " + std::to_string(group * 1000 + i) + " | `" + code + "` |";
      EXPECT_NE(doc.find(row), std::string::npos) << "docs/EVENTS.md lacks the row " << row;
    }
  }
  EXPECT_GE(found, 35);
}

}  // namespace
}  // namespace avedge::turn

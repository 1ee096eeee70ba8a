#include "mras/diagnostics.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace avedge::mras {
namespace {

TEST(MrasDiagnostics, CodesAreUniqueInTheMrasRangeAndDocumented) {
  std::ifstream f(std::string(AVEDGE_SOURCE_DIR) + "/docs/MRAS.md");
  std::stringstream doc;
  doc << f.rdbuf();
  std::set<unsigned> seen;
  for (const DiagInfo& d : catalogue()) {
    const unsigned c = code_of(d.code);
    EXPECT_GE(c, 9000u);
    EXPECT_LE(c, 9999u);
    EXPECT_TRUE(seen.insert(c).second) << c;
    EXPECT_FALSE(d.cause.empty());
    EXPECT_FALSE(d.fix.empty());
    EXPECT_EQ(&info(d.code), &d);
    EXPECT_NE(doc.str().find("| " + std::to_string(c) + " |"), std::string::npos)
        << c << " is missing from docs/MRAS.md";
  }
}

}  // namespace
}  // namespace avedge::mras

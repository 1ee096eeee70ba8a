// The whole catalogue (relay, MRAS events, MRAS diagnostics) against docs/EVENTS.md.
#include "perf/catalogue.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace avedge::perf {
namespace {

TEST(Catalogue, EveryEntryIsARowOfDocsEventsMdAndIdsAreUnique) {
  std::ifstream f(std::string(AVEDGE_SOURCE_DIR) + "/docs/EVENTS.md");
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string doc = ss.str();
  std::set<unsigned> ids;
  std::set<std::string> names;
  for (const auto& e : catalogue()) {
    EXPECT_TRUE(ids.insert(e.id).second) << e.id;
    EXPECT_TRUE(names.insert(e.name).second) << e.name;
    EXPECT_FALSE(e.cause.empty()) << e.name;
    EXPECT_FALSE(e.resolution.empty()) << e.name;
    EXPECT_NE(doc.find(markdown_row(e) + "\n"), std::string::npos)
        << "docs/EVENTS.md lacks (avedge events list --markdown): " << markdown_row(e);
  }
  EXPECT_GE(catalogue().size(), 35U + 2U + 11U);
}

TEST(Catalogue, FindByIdOrNameAndSuggest) {
  EXPECT_EQ(find_entry("2006")->name, "auth.bad_integrity");
  EXPECT_EQ(find_entry("auth.foreign_pool")->id, 2010U);
  EXPECT_EQ(find_entry("mras.refused")->id, 5001U);
  EXPECT_EQ(find_entry("9003")->name, "mras.identity_outside_domains");
  EXPECT_FALSE(find_entry("2006x"));
  EXPECT_FALSE(find_entry("7777"));
  EXPECT_EQ(nearest_name("auth.stale_nonse"), "auth.stale_nonce");
  const std::string text = explain_text(*find_entry("2010"));
  EXPECT_NE(text.find("severity:   warning"), std::string::npos) << text;
  EXPECT_NE(text.find("resolution: the issuing pool's public_fqdn"), std::string::npos) << text;
}

}  // namespace
}  // namespace avedge::perf

// docs/EVENTS.md lists every event the TURN core emits, with the catalogue's id, reason code,
// severity, answer, message, cause and resolution (turn/event_catalogue.hpp).
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "turn/event_catalogue.hpp"
#include "turn/io.hpp"

namespace avedge::turn {
namespace {

std::string read_doc() {
  std::ifstream f(std::string(AVEDGE_SOURCE_DIR) + "/docs/EVENTS.md");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(EventsCatalogue, EveryEventHasADistinctCodeACatalogueEntryAndAFullRowInDocs) {
  const std::string doc = read_doc();
  ASSERT_FALSE(doc.empty()) << "docs/EVENTS.md missing";
  std::set<std::string> seen;
  int found = 0;
  for (unsigned group = 1; group <= 4; ++group) {
    for (unsigned i = 0; i < 64; ++i) {
      const auto e = static_cast<Event>(group * 1000 + i);
      const std::string code = reason_code(e);
      if (code == "unknown") continue;
      ++found;
      EXPECT_TRUE(seen.insert(code).second) << "duplicate reason code " << code;
      const EventEntry* entry = find_event(e);
      ASSERT_NE(entry, nullptr) << code << " has no row in turn/event_catalogue.cpp";
      EXPECT_FALSE(entry->message.empty()) << code;
      EXPECT_FALSE(entry->cause.empty()) << code;
      EXPECT_FALSE(entry->resolution.empty()) << code;
      const std::string row = "| " + std::to_string(group * 1000 + i) + " | `" + code + "` | " +
                              to_string(entry->severity) + " | " + std::string(entry->answer) +
                              " | " + std::string(entry->message) + " | " +
                              std::string(entry->cause) + " | " + std::string(entry->resolution) +
                              " |";
      EXPECT_NE(doc.find(row), std::string::npos)
          << "docs/EVENTS.md lacks the row (regenerate with avedge events list --markdown) " << row;
    }
  }
  EXPECT_GE(found, 35);
  EXPECT_EQ(static_cast<size_t>(found), event_catalogue().size());
}

TEST(EventsCatalogue, RoutineEventsAreDebugAndCapacityEventsAreErrors) {
  EXPECT_EQ(find_event(Event::AuthMissing)->severity, Severity::Debug);
  EXPECT_EQ(find_event(Event::DropNoPermission)->severity, Severity::Debug);
  EXPECT_EQ(find_event(Event::AuthBadIntegrity)->severity, Severity::Warning);
  EXPECT_EQ(find_event(Event::NoRelayPort)->severity, Severity::Error);
  EXPECT_EQ(find_event(static_cast<Event>(4999)), nullptr);
}

}  // namespace
}  // namespace avedge::turn

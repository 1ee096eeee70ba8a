// The whole event catalogue, one lookup for `avedge events` and the perf templates: relay events
// (turn/event_catalogue.hpp, ids 1000-4999), MRAS events (mras/events.hpp, 5000-5999) and the MRAS
// ms-diagnostics codes (mras/diagnostics.hpp, 9001-9011).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace avedge::perf {

struct CatalogueEntry {
  unsigned id = 0;
  std::string name;  // reason code: "auth.bad_integrity"
  std::string severity;
  std::string answer;
  std::string message;
  std::string cause;
  std::string resolution;
};

const std::vector<CatalogueEntry>& catalogue();
// By numeric id ("2006") or reason code ("auth.bad_integrity"); nullopt when unknown.
std::optional<CatalogueEntry> find_entry(std::string_view id_or_name);
// The reason codes nearest to an unknown name (for "did you mean").
std::string nearest_name(std::string_view name);

// docs/EVENTS.md table: header and one row per entry.
std::string markdown_header();
std::string markdown_row(const CatalogueEntry& e);
// `avedge events explain`: a block of labelled lines.
std::string explain_text(const CatalogueEntry& e);

}  // namespace avedge::perf

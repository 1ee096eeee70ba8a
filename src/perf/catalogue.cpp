#include "perf/catalogue.hpp"

#include <charconv>

#include <fmt/format.h>

#include "config/suggest.hpp"
#include "mras/diagnostics.hpp"
#include "mras/events.hpp"
#include "turn/event_catalogue.hpp"

namespace avedge::perf {

namespace {

std::vector<CatalogueEntry> build() {
  std::vector<CatalogueEntry> out;
  for (const auto& e : turn::event_catalogue()) {
    out.push_back({static_cast<unsigned>(e.event), turn::reason_code(e.event),
                   turn::to_string(e.severity), std::string(e.answer), std::string(e.message),
                   std::string(e.cause), std::string(e.resolution)});
  }
  for (const auto& e : mras::event_catalogue()) {
    out.push_back({e.id, std::string(e.name), turn::to_string(e.severity), std::string(e.answer),
                   std::string(e.message), std::string(e.cause), std::string(e.resolution)});
  }
  // A refusal's ms-diagnostics code: SIP 403 / HTTP 403 (405 and 400 for 9009 and 9011).
  for (const auto& d : mras::catalogue()) {
    const unsigned code = mras::code_of(d.code);
    const char* answer = d.code == mras::Diag::MethodNotAllowed ? "405"
                         : d.code == mras::Diag::BadSipMessage  ? "400"
                                                                : "403";
    out.push_back({code, std::string(d.name), "warning", answer,
                   fmt::format("MRAS refusal, ms-diagnostics {}", code), std::string(d.cause),
                   std::string(d.fix)});
  }
  return out;
}

// Markdown cells: a '|' would split the cell.
std::string cell(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

const std::vector<CatalogueEntry>& catalogue() {
  static const std::vector<CatalogueEntry> all = build();
  return all;
}

std::optional<CatalogueEntry> find_entry(std::string_view id_or_name) {
  unsigned id = 0;
  const auto* end = id_or_name.data() + id_or_name.size();
  const auto [p, ec] = std::from_chars(id_or_name.data(), end, id);
  const bool numeric = ec == std::errc() && p == end;
  for (const auto& e : catalogue()) {
    if (numeric ? e.id == id : e.name == id_or_name) return e;
  }
  return std::nullopt;
}

std::string nearest_name(std::string_view name) {
  std::vector<std::string_view> names;
  for (const auto& e : catalogue()) names.push_back(e.name);
  const auto n = config::nearest(name, names);
  return n ? std::string(*n) : std::string();
}

std::string markdown_header() {
  return "| id | reason code | severity | answer | message | cause | resolution |\n"
         "|---|---|---|---|---|---|---|\n";
}

std::string markdown_row(const CatalogueEntry& e) {
  return fmt::format("| {} | `{}` | {} | {} | {} | {} | {} |", e.id, e.name, e.severity,
                     cell(e.answer), cell(e.message), cell(e.cause), cell(e.resolution));
}

std::string explain_text(const CatalogueEntry& e) {
  return fmt::format(
      "id:         {}\ncode:       {}\nseverity:   {}\nanswer:     {}\nmessage:    {}\n"
      "cause:      {}\nresolution: {}\n",
      e.id, e.name, e.severity, e.answer, e.message, e.cause, e.resolution);
}

}  // namespace avedge::perf

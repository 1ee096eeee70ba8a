// Series patterns of the perf templates: `name` or `name{k=v,...}`, with shell globs (`*`, `?`)
// in the name and the label values. A pattern matches a series whose name matches and whose
// labels include every label it lists; labels it does not list may be anything.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "perf/snapshot.hpp"

namespace avedge::perf {

bool glob_match(std::string_view pattern, std::string_view text);

// The name and labels of a series key (inverse of series_key).
std::pair<std::string, LabelMap> split_key(std::string_view key);

struct SeriesPattern {
  std::string text;  // as written
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;

  // nullopt with `error` set: "label 'reason' has no value", ...
  static std::optional<SeriesPattern> parse(std::string_view text, std::string& error);
  [[nodiscard]] bool matches(std::string_view name, const LabelMap& labels) const;
  [[nodiscard]] bool matches_key(std::string_view key) const;
};

}  // namespace avedge::perf

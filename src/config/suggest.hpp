// "did you mean ...": the nearest known word by edit distance.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace avedge::config {

size_t edit_distance(std::string_view a, std::string_view b);
// The closest candidate when it is close enough to be a typo (distance ≤ max(2, len/3)).
std::optional<std::string_view> nearest(std::string_view word,
                                        std::span<const std::string_view> candidates);

}  // namespace avedge::config

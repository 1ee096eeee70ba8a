// Durations written as "600s", "10m", "1h" or combined, "1h30m".
#pragma once

#include <string>
#include <string_view>

#include "config/problem.hpp"
#include "core/clock.hpp"

namespace avedge::config {

Parsed<Seconds> parse_duration(std::string_view text);
// The shortest exact text: 600 s → "10m", 90 s → "90s", 3600 s → "1h".
std::string format_duration(Seconds s);

}  // namespace avedge::config

#include "config/durations.hpp"

#include <cstdint>

#include <fmt/format.h>

namespace avedge::config {

namespace {
constexpr int64_t kMaxSeconds = int64_t{10} * 365 * 24 * 3600;  // ten years: a typo beyond
const char* const kFix = "write a number with a unit, e.g. \"600s\", \"10m\" or \"1h\"";
}  // namespace

Parsed<Seconds> parse_duration(std::string_view text) {
  if (text.empty()) return Parsed<Seconds>::bad("empty duration", kFix);
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') {
      return Parsed<Seconds>::bad(fmt::format("expected a digit at \"{}\"", text.substr(i)), kFix);
    }
    int64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i] - '0');
      if (n > kMaxSeconds) return Parsed<Seconds>::bad("too long", kFix);
      ++i;
    }
    if (i == text.size()) {
      return Parsed<Seconds>::bad("missing unit",
                                  fmt::format("write \"{}s\" (units: s, m, h)", text));
    }
    int64_t unit = 0;
    switch (text[i]) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      default:
        return Parsed<Seconds>::bad(fmt::format("unknown unit '{}'", text[i]),
                                    "use s, m, h or d, e.g. \"10m\"");
    }
    ++i;
    total += n * unit;
    if (total > kMaxSeconds) return Parsed<Seconds>::bad("too long", kFix);
  }
  return Parsed<Seconds>::good(Seconds{total});
}

std::string format_duration(Seconds s) {
  const int64_t v = s.count();
  if (v != 0 && v % 3600 == 0) return fmt::format("{}h", v / 3600);
  if (v != 0 && v % 60 == 0) return fmt::format("{}m", v / 60);
  return fmt::format("{}s", v);
}

}  // namespace avedge::config

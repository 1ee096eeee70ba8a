// libFuzzer target: the TOML configuration loader. Any text gives a config or errors with a
// position; nothing throws out of it, nothing crashes.
#include <cstdint>
#include <string>
#include <string_view>

#include "config/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = avedge::config::load_string(text, "fuzz.toml");
  for (const auto& e : r.errors) {
    if (e.to_string().empty()) __builtin_trap();  // every error says something
  }
  return 0;
}

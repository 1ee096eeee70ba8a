// libFuzzer target: the SDP / client log candidate audit of `avedge analyze`, and its output.
#include <cstdint>
#include <string_view>

#include "diag/analyze.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace avedge::diag;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  FileReport r;
  r.file = "fuzz.sdp";
  r.type = "sdp";
  analyze_sdp(text, r);
  for (const SdpMedia& m : r.media) {
    for (const SdpComponent& c : m.components) {
      if (c.component < 1 || c.component > 256) __builtin_trap();  // RFC 8445 §5.1.1.1 bounds
    }
  }
  (void)format_analysis_human({r}, false);
  (void)format_analysis_json({r});
  (void)analyze_bytes(text, "fuzz");  // file type detection on the same bytes
  return 0;
}

// libFuzzer target: `avedge analyze` on captures. An input with a pcap/pcapng magic goes through
// libpcap and the whole analysis (reassembly, transactions, both output formats); any other input
// is cut into frames (2-byte length prefixes) of a link type chosen by its first byte, so the
// frame decoder and the TCP reassembly see arbitrary headers too.
#include <pcap/dlt.h>

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "diag/analyze.hpp"

namespace {

constexpr int kLinktypes[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL,
                              DLT_LOOP,   DLT_RAW,       DLT_IPV4,       DLT_IPV6};

void format(const avedge::diag::FileReport& r) {
  (void)avedge::diag::format_analysis_human({r}, true);
  (void)avedge::diag::format_analysis_json({r});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace avedge::diag;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (size >= 4 && (data[0] == 0x0A || data[0] == 0xA1 || data[0] == 0xD4 || data[0] == 0x4D)) {
    format(analyze_bytes(text, "fuzz"));
    return 0;
  }
  if (size < 1) return 0;
  Capture cap;
  const int lt = kLinktypes[data[0] % (sizeof(kLinktypes) / sizeof(kLinktypes[0]))];
  size_t at = 1;
  double t = 0;
  while (at + 2 <= size) {
    const size_t n = std::min<size_t>((size_t{data[at]} << 8) | data[at + 1], size - at - 2);
    decode_frame(lt, {data + at + 2, n}, t, (data[at] & 0x80) != 0, cap);
    at += 2 + n;
    t += 0.5;
  }
  FileReport r;
  r.type = "pcap";
  analyze_units(cap, extract_units(cap), r);
  format(r);
  return 0;
}

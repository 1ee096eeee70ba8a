// libFuzzer target: what `avedge probe` reads from an MRAS it does not trust: a SIP response
// (header section + XML body), the HTTP API's JSON and an ms-diagnostics header. The input is
// split at the first NUL: head, then body. Nothing may crash or throw; a grant must be complete.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probe/mras_client.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);  // NOLINT
  const size_t cut = in.find('\0');
  const std::string_view head = in.substr(0, cut);
  const std::string_view body = cut == std::string_view::npos ? "" : in.substr(cut + 1);

  avedge::probe::MrasAnswer sip;
  avedge::probe::read_sip_response(head, body, sip);
  check(!sip.granted || (!sip.username.empty() && !sip.relay_host.empty() && sip.status == 200));

  avedge::probe::MrasAnswer http;
  avedge::probe::read_http_response(size > 0 ? 200 + data[0] % 300 : 200, body, http);
  check(!http.granted || (!http.username.empty() && !http.relay_host.empty()));

  unsigned code = 0;
  std::string reason;
  (void)avedge::probe::parse_ms_diagnostics(head, code, reason);
  return 0;
}

// libFuzzer target: the [MS-AVEDGEA] request and response parsers ([MS-AVEDGEA] §2.2.2, §2.2.3).
// A request that parses must survive build_request -> parse_request unchanged; every error
// response must build and parse back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mras/xml_codec.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace avedge::mras;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const ParseResult r = parse_request(in);
  if (r.ok()) {
    const ParseResult again = parse_request(build_request(r.request));
    check(again.ok());
    check(again.request.request_id == r.request.request_id);
    check(again.request.credentials.size() == r.request.credentials.size());
    for (size_t i = 0; i < r.request.credentials.size(); ++i) {
      check(again.request.credentials[i].identity == r.request.credentials[i].identity);
      check(again.request.credentials[i].duration_minutes ==
            r.request.credentials[i].duration_minutes);
    }
  } else {
    const auto back = parse_response(build_response(error_response(r)));
    check(back.has_value() && back->reason == r.reason);
  }
  (void)parse_response(in);
  return 0;
}

// SIP requests over a stream (RFC 3261 §18.3): the header section ends at the first CRLFCRLF
// and Content-Length gives the body's size. Headers are matched case-insensitively, compact
// forms (§7.3.3, e.g. `l` Content-Length, `c` Content-Type) are expanded, folded lines (§7.3.1)
// are joined. Limits: 16 KiB of header section, 64 KiB of body.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace avedge::mras {

inline constexpr size_t kMaxHeaderSection = 16 * 1024;
inline constexpr size_t kMaxSipBody = 64 * 1024;

struct SipRequest {
  std::string method;
  std::string uri;
  std::vector<std::pair<std::string, std::string>> headers;  // canonical names, in order
  std::string body;

  // First value of a header (case-insensitive, canonical or compact name).
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
  [[nodiscard]] std::vector<std::string_view> all(std::string_view name) const;
};

// Canonical name of a header: "l" and "content-length" both give "Content-Length".
std::string canonical_header_name(std::string_view name);

// An error the connection answers (when `status` != 0) and then closes if `close` is set.
struct SipError {
  int status = 400;  // 400 Bad Request, 413 Request Entity Too Large; 0: no answer possible
  std::string reason;
  bool close = true;
  std::string head;  // the header section as far as it parsed, to copy Via/From/To/Call-ID/CSeq
};

// Incremental framing: feed() bytes as they arrive, then next() until it returns Need.
class SipFramer {
 public:
  enum class Kind { Need, Request, Error };
  struct Result {
    Kind kind = Kind::Need;
    SipRequest request;
    SipError error;
  };

  void feed(std::string_view bytes) { buf_.append(bytes); }
  Result next();
  [[nodiscard]] size_t buffered() const { return buf_.size(); }

 private:
  std::string buf_;
};

// Parses one complete header section (start line and headers, without the final CRLFCRLF).
// Returns an error reason, or "" and fills `out` (method, uri, headers).
std::string parse_head(std::string_view head, SipRequest& out);

}  // namespace avedge::mras

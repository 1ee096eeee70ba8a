// ChannelData messages (RFC 8656 §12.4) and framing of STUN/ChannelData on streams
// (RFC 8656 §12.5, RFC 8489 §6.2.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace avedge::wire {

struct ChannelData {
  uint16_t channel = 0;
  std::span<const uint8_t> data;
};

// First-byte classification shared by every transport (RFC 7983 ranges, RFC 8656 §12).
enum class Kind : uint8_t { Stun, ChannelData, Other };
Kind classify(uint8_t first_byte);

// Parses a ChannelData datagram: 0x4000 <= channel <= 0x7FFF (the RFC 5766 range; the server
// narrows it to RFC 8656's 0x4000-0x4FFF when configured strict), length <= remaining bytes.
// Padding after the data is allowed (UDP may carry it).
bool parse_channel_data(std::span<const uint8_t> data, ChannelData& out);

// Writes a ChannelData header and data into out; with pad, zero-fills to a multiple of 4 (streams
// MUST pad, RFC 8656 §12.5). Returns bytes written, 0 if out is too small.
size_t encode_channel_data(std::span<uint8_t> out, uint16_t channel, std::span<const uint8_t> data,
                           bool pad);

// Framing on a byte stream. Looks at the start of `buffered` and tells whether a whole
// frame is there. STUN: 20 + length. ChannelData: 4 + length rounded up to 4.
// Lengths are computed in size_t: no 16-bit wrap (coturn CVE-2026-68552).
enum class FrameStatus : uint8_t { NeedMore, Complete, Invalid };
struct Frame {
  FrameStatus status = FrameStatus::NeedMore;
  Kind kind = Kind::Other;
  size_t size = 0;  // total bytes of the frame including padding, when Complete
};
Frame next_frame(std::span<const uint8_t> buffered);

}  // namespace avedge::wire

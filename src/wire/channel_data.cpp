// ChannelData (RFC 8656 §12.4), first-byte demultiplexing (RFC 7983 §7) and stream framing
// (RFC 8656 §12.5, RFC 8489 §6.2.2). Lengths are size_t: no 16-bit wrap (CVE-2026-68552).
#include "wire/channel_data.hpp"

#include <cstring>

#include "wire/byte_order.hpp"
#include "wire/stun_constants.hpp"

namespace avedge::wire {
namespace {

bool valid_channel(uint16_t ch) {
  return ch >= stun::kChannelMin && ch <= stun::kChannelMaxRfc5766;
}

}  // namespace

Kind classify(uint8_t first_byte) {
  // RFC 7983 §7: 0..3 STUN, 64..79 TURN channel. A TURN server's client port carries no DTLS or
  // RTP, so 80..127 (RFC 5766 channels 0x5000-0x7FFF) are ChannelData here too.
  if (first_byte <= 3) return Kind::Stun;
  if (first_byte >= 0x40 && first_byte <= 0x7F) return Kind::ChannelData;
  return Kind::Other;
}

bool parse_channel_data(std::span<const uint8_t> data, ChannelData& out) {
  if (data.size() < 4) return false;
  const uint16_t channel = load16(&data[0]);
  if (!valid_channel(channel)) return false;
  const size_t len = load16(&data[2]);
  const size_t avail = data.size() - 4;
  // Data must be all there; at most the padding may follow it.
  if (len > avail || avail > pad4(len)) return false;
  out.channel = channel;
  out.data = data.subspan(4, len);
  return true;
}

size_t encode_channel_data(std::span<uint8_t> out, uint16_t channel, std::span<const uint8_t> data,
                           bool pad) {
  if (data.size() > 0xFFFF) return 0;
  const size_t total = 4 + (pad ? pad4(data.size()) : data.size());
  if (out.size() < total) return 0;
  uint8_t* p = out.data();
  p[0] = static_cast<uint8_t>(channel >> 8);
  p[1] = static_cast<uint8_t>(channel);
  p[2] = static_cast<uint8_t>(data.size() >> 8);
  p[3] = static_cast<uint8_t>(data.size());
  if (!data.empty()) std::memmove(p + 4, data.data(), data.size());
  if (total > 4 + data.size()) std::memset(p + 4 + data.size(), 0, total - 4 - data.size());
  return total;
}

Frame next_frame(std::span<const uint8_t> buffered) {
  Frame f;
  if (buffered.empty()) return f;
  f.kind = classify(buffered[0]);
  switch (f.kind) {
    case Kind::Stun: {
      // RFC 8489 §6.2.2: header (20 bytes) then length bytes; length is a multiple of 4.
      if (buffered.size() >= 8 && load32(&buffered[4]) != stun::kMagicCookie) {
        f.status = FrameStatus::Invalid;
        return f;
      }
      if (buffered.size() < stun::kHeaderSize) return f;
      const size_t len = load16(&buffered[2]);
      if (len % 4 != 0) {
        f.status = FrameStatus::Invalid;
        return f;
      }
      const size_t total = stun::kHeaderSize + len;
      if (buffered.size() < total) return f;
      f.status = FrameStatus::Complete;
      f.size = total;
      return f;
    }
    case Kind::ChannelData: {
      // RFC 8656 §12.5: over streams ChannelData is padded to a multiple of 4.
      if (buffered.size() < 4) return f;
      const size_t total = 4 + pad4(load16(&buffered[2]));
      if (buffered.size() < total) return f;
      f.status = FrameStatus::Complete;
      f.size = total;
      return f;
    }
    case Kind::Other:
      break;
  }
  f.status = FrameStatus::Invalid;
  return f;
}

}  // namespace avedge::wire

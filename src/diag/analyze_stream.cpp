// TCP reassembly per direction and STUN/ChannelData framing (RFC 8656 §12.5, RFC 8489 §6.2.2);
// UDP GSO frames split into their datagrams.
#include <algorithm>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "diag/analyze_capture.hpp"
#include "wire/channel_data.hpp"

namespace avedge::diag {

namespace {

// RFC 8446 §5.1: a TLS record starts with its ContentType (20-23; a client opens with a
// handshake, 22 = 0x16; a server may answer with an alert, 21) and legacy version major 3.
bool is_tls(uint8_t content_type, uint8_t version_major) {
  return content_type >= 0x14 && content_type <= 0x17 && version_major == 0x03;
}
constexpr size_t kMaxPending = 1024;  // out-of-order segments kept per direction

enum class State : uint8_t { Framing, Done };

struct Direction {
  bool started = false;
  uint32_t isn = 0;                                  // sequence number of stream byte 0
  uint32_t next = 0;                                 // next stream offset expected
  std::map<uint32_t, std::vector<uint8_t>> pending;  // by stream offset
  std::vector<uint8_t> buf;
  size_t consumed = 0;  // bytes of buf already framed
  bool framed_any = false;
  State state = State::Framing;
};

class Reassembler {
 public:
  explicit Reassembler(Units& out) : out_(out) {}

  void add(const Segment& s) {
    Direction& d = dirs_[s.src.to_string() + ">" + s.dst.to_string()];
    if (d.state == State::Done) return;
    if (s.syn) {
      d.started = true;
      d.isn = s.seq + 1;
      d.next = 0;
      return;
    }
    if (s.payload.empty()) return;
    if (!d.started) {  // capture began mid-stream
      d.started = true;
      d.isn = s.seq;
    }
    if (s.truncated) return finish(d, s, Opaque::Cut);
    const uint32_t off = s.seq - d.isn;
    const auto ahead = static_cast<int32_t>(off - d.next);
    if (ahead > 0) {
      if (d.pending.size() >= kMaxPending) return finish(d, s, Opaque::Cut);
      d.pending.emplace(off, s.payload);
      return;
    }
    append(d, off, s.payload);
    while (!d.pending.empty()) {
      auto it = d.pending.begin();
      if (static_cast<int32_t>(it->first - d.next) > 0) break;
      append(d, it->first, it->second);
      d.pending.erase(it);
    }
    frame(d, s);
  }

 private:
  // Appends the part of data (at stream offset off <= next) not seen yet.
  static void append(Direction& d, uint32_t off, const std::vector<uint8_t>& data) {
    const uint32_t skip = d.next - off;
    if (skip >= data.size()) return;  // a retransmission
    d.buf.insert(d.buf.end(), data.begin() + static_cast<long>(skip), data.end());
    d.next += static_cast<uint32_t>(data.size() - skip);
  }

  void frame(Direction& d, const Segment& s) {
    if (!d.framed_any && d.consumed + 1 < d.buf.size() && is_tls(d.buf[0], d.buf[1])) {
      return finish(d, s, Opaque::Tls);
    }
    // A stream opens with STUN: ChannelData needs a ChannelBind first (RFC 8656 §12), so a first
    // byte in 0x40-0x7F is another protocol ("GET ..." is 0x47).
    if (!d.framed_any && !d.buf.empty() && wire::classify(d.buf[0]) != wire::Kind::Stun) {
      return finish(d, s, Opaque::NotStun);
    }
    for (;;) {
      const std::span<const uint8_t> rest(d.buf.data() + d.consumed, d.buf.size() - d.consumed);
      const wire::Frame f = wire::next_frame(rest);
      if (f.status == wire::FrameStatus::NeedMore) break;
      if (f.status == wire::FrameStatus::Invalid || f.kind == wire::Kind::Other) {
        return finish(d, s, Opaque::NotStun);
      }
      out_.units.push_back(
          {s.time, Proto::Tcp, s.src, s.dst,
           std::vector<uint8_t>(rest.begin(), rest.begin() + static_cast<long>(f.size)), false});
      d.consumed += f.size;
      d.framed_any = true;
    }
    if (d.consumed > 65536) {  // compact
      d.buf.erase(d.buf.begin(), d.buf.begin() + static_cast<long>(d.consumed));
      d.consumed = 0;
    }
  }

  void finish(Direction& d, const Segment& s, Opaque kind) {
    d.state = State::Done;
    d.buf.clear();
    d.pending.clear();
    out_.opaque.push_back({s.time, s.src, s.dst, kind});
  }

  Units& out_;
  std::map<std::string, Direction> dirs_;
};

// One datagram of a GSO frame: a whole STUN message (RFC 8489 §5: 20 + length, the magic
// cookie) or a ChannelData message (RFC 8656 §12.4: 4 + length, padding of at most 3 bytes).
bool whole_message(std::span<const uint8_t> d) {
  if (d.size() < 4) return false;
  const size_t length = (size_t{d[2]} << 8) | d[3];
  switch (wire::classify(d[0])) {
    case wire::Kind::Stun:
      return d.size() == 20 + length && d[4] == 0x21 && d[5] == 0x12 && d[6] == 0xA4 &&
             d[7] == 0x42;
    case wire::Kind::ChannelData:
      return d.size() >= 4 + length && d.size() - (4 + length) < 4;
    case wire::Kind::Other:
      return false;
  }
  return false;
}

// A capture on the sending host (loopback, or a NIC that segments in hardware) shows the
// datagrams of one UDP GSO send (Linux UDP_SEGMENT, udp(7); avedge sends so, decision 0010) as
// one frame: segments of one size, the last one possibly shorter. A payload that splits that
// way into whole STUN/ChannelData messages is taken as those datagrams; anything else stays
// one datagram.
std::vector<std::span<const uint8_t>> gso_datagrams(std::span<const uint8_t> payload) {
  std::vector<std::span<const uint8_t>> parts;
  const wire::Frame first = wire::next_frame(payload);
  if (first.status != wire::FrameStatus::Complete || first.kind == wire::Kind::Other ||
      first.size >= payload.size() || payload.size() < 4) {
    return {payload};
  }
  const size_t exact =
      first.kind == wire::Kind::Stun ? first.size : 4 + ((size_t{payload[2]} << 8) | payload[3]);
  for (const size_t segment : {exact, first.size}) {  // unpadded, then padded to 4
    if (segment == 0 || segment >= payload.size()) continue;
    parts.clear();
    bool whole = true;
    for (size_t at = 0; at < payload.size() && whole; at += segment) {
      parts.push_back(payload.subspan(at, std::min(segment, payload.size() - at)));
      whole = whole_message(parts.back());
    }
    if (whole) return parts;
  }
  return {payload};
}

}  // namespace

Units extract_units(const Capture& cap) {
  Units out;
  Reassembler tcp(out);
  for (const Segment& s : cap.segments) {
    if (s.proto == Proto::Tcp) {
      tcp.add(s);
      continue;
    }
    if (s.payload.empty()) continue;
    if (s.truncated) {
      out.units.push_back({s.time, Proto::Udp, s.src, s.dst, s.payload, true});
      continue;
    }
    for (const auto part : gso_datagrams(s.payload)) {
      out.units.push_back({s.time, Proto::Udp, s.src, s.dst,
                           std::vector<uint8_t>(part.begin(), part.end()), false});
    }
  }
  return out;
}

}  // namespace avedge::diag

// Link, IP and transport headers of captured frames, down to UDP/TCP payloads. Never reads past
// the frame: every length field is checked against the bytes captured.
#include <pcap/dlt.h>

#include "diag/analyze_capture.hpp"
#include "wire/byte_order.hpp"

namespace avedge::diag {

namespace {

constexpr uint8_t kTcp = 6, kUdp = 17, kIcmp = 1, kIcmp6 = 58;
constexpr uint16_t kEtherIpv4 = 0x0800, kEtherIpv6 = 0x86DD;
constexpr int kLinktypeRaw = 101;  // LINKTYPE_RAW as stored in files (pcap maps it to DLT_RAW)

using Bytes = std::span<const uint8_t>;

// Callers check at + 2 (at + 4) <= b.size() first.
uint16_t be16(Bytes b, size_t at) {
  return wire::load16(b.data() + at);
}
uint32_t be32(Bytes b, size_t at) {
  return wire::load32(b.data() + at);
}

struct Ip {
  IpAddress src, dst;
  uint8_t proto = 0;
  Bytes payload;
  bool cut = false;  // the IP length says more than was captured
};

IpAddress ip_at(Bytes b, size_t at, bool v6) {
  if (!v6) return IpAddress::v4(be32(b, at));
  std::array<uint8_t, 16> a{};
  for (size_t i = 0; i < 16; ++i) a[i] = b[at + i];
  return IpAddress::v6(a);
}

// IPv4 (RFC 791) or IPv6 (RFC 8200) header; false for non-first fragments and unknown versions.
bool parse_ip(Bytes b, Ip& out) {
  if (b.empty()) return false;
  const int version = b[0] >> 4;
  if (version == 4) {
    const size_t ihl = size_t{static_cast<uint8_t>(b[0] & 0x0F)} * 4;
    if (b.size() < 20 || ihl < 20 || b.size() < ihl) return false;
    const size_t total = be16(b, 2);
    const uint16_t frag = be16(b, 6);
    if ((frag & 0x1FFF) != 0 || (frag & 0x2000) != 0) return false;  // fragments (§3.1)
    if (total < ihl) return false;
    out.src = ip_at(b, 12, false);
    out.dst = ip_at(b, 16, false);
    out.proto = b[9];
    out.cut = total > b.size();
    out.payload = b.subspan(ihl, std::min(total, b.size()) - ihl);
    return true;
  }
  if (version != 6 || b.size() < 40) return false;
  out.src = ip_at(b, 8, true);
  out.dst = ip_at(b, 24, true);
  const size_t total = 40 + size_t{be16(b, 4)};
  out.cut = total > b.size();
  Bytes rest = b.subspan(40, std::min(total, b.size()) - 40);
  uint8_t next = b[6];
  for (int i = 0; i < 8; ++i) {  // extension headers (RFC 8200 §4)
    if (next == 0 || next == 43 || next == 60 || next == 51) {
      if (rest.size() < 8) return false;
      const size_t len = next == 51 ? (size_t{rest[1]} + 2) * 4 : (size_t{rest[1]} + 1) * 8;
      if (rest.size() < len) return false;
      next = rest[0];
      rest = rest.subspan(len);
    } else if (next == 44) {  // fragment header: only unfragmented packets are analysed
      return false;
    } else {
      break;
    }
  }
  out.proto = next;
  out.payload = rest;
  return true;
}

// ICMP destination unreachable (RFC 792 type 3, RFC 4443 type 1) quoting a UDP datagram.
bool parse_unreachable(const Ip& ip, double time, Capture& out) {
  const Bytes b = ip.payload;
  const bool v6 = ip.proto == kIcmp6;
  if (b.size() < 8 || b[0] != (v6 ? 1 : 3)) return false;
  Ip quoted;
  if (!parse_ip(b.subspan(8), quoted) || quoted.proto != kUdp || quoted.payload.size() < 4) {
    return false;
  }
  out.unreachables.push_back({time, Endpoint{quoted.src, be16(quoted.payload, 0)},
                              Endpoint{quoted.dst, be16(quoted.payload, 2)}});
  return true;
}

bool parse_transport(const Ip& ip, double time, bool cut, Capture& out) {
  const Bytes b = ip.payload;
  if (ip.proto == kIcmp || ip.proto == kIcmp6) return parse_unreachable(ip, time, out);
  Segment s;
  s.time = time;
  s.truncated = cut || ip.cut;
  if (ip.proto == kUdp) {
    if (b.size() < 8) return false;
    const size_t len = be16(b, 4);
    if (len < 8) return false;
    s.proto = Proto::Udp;
    s.src = {ip.src, be16(b, 0)};
    s.dst = {ip.dst, be16(b, 2)};
    if (len > b.size()) s.truncated = true;
    const Bytes data = b.subspan(8, std::min(len, b.size()) - 8);
    s.payload.assign(data.begin(), data.end());
  } else if (ip.proto == kTcp) {
    if (b.size() < 20) return false;
    const size_t off = size_t{static_cast<uint8_t>(b[12] >> 4)} * 4;
    if (off < 20 || off > b.size()) return false;
    s.proto = Proto::Tcp;
    s.src = {ip.src, be16(b, 0)};
    s.dst = {ip.dst, be16(b, 2)};
    s.seq = be32(b, 4);
    s.syn = (b[13] & 0x02) != 0;
    s.fin_or_rst = (b[13] & 0x05) != 0;
    const Bytes data = b.subspan(off);
    s.payload.assign(data.begin(), data.end());
  } else {
    return false;
  }
  out.segments.push_back(std::move(s));
  return true;
}

// Offset of the IP header after the link header, or -1 when the frame is not IP.
long ip_offset(int linktype, Bytes f) {
  auto ether_type_ok = [](uint16_t t) { return t == kEtherIpv4 || t == kEtherIpv6; };
  switch (linktype) {
    case DLT_EN10MB: {
      size_t at = 12;
      while (f.size() >= at + 2 && (be16(f, at) == 0x8100 || be16(f, at) == 0x88A8)) at += 4;
      if (f.size() < at + 2 || !ether_type_ok(be16(f, at))) return -1;
      return static_cast<long>(at + 2);
    }
    case DLT_LINUX_SLL:  // 16-byte header, protocol last
      return f.size() >= 16 && ether_type_ok(be16(f, 14)) ? 16 : -1;
    case DLT_LINUX_SLL2:  // 20-byte header, protocol first
      return f.size() >= 20 && ether_type_ok(be16(f, 0)) ? 20 : -1;
    case DLT_NULL:
    case DLT_LOOP:  // 4-byte address family, host or network byte order: the IP version says
      return f.size() > 4 ? 4 : -1;
    case DLT_RAW:
    case kLinktypeRaw:
    case DLT_IPV4:
    case DLT_IPV6:
      return 0;
    default:
      return -1;
  }
}

}  // namespace

const char* to_string(Proto p) {
  return p == Proto::Udp ? "udp" : "tcp";
}

bool decode_frame(int linktype, std::span<const uint8_t> frame, double time, bool caplen_cut,
                  Capture& out) {
  const long off = ip_offset(linktype, frame);
  if (off < 0) return false;
  Ip ip;
  if (!parse_ip(frame.subspan(static_cast<size_t>(off)), ip)) return false;
  return parse_transport(ip, time, caplen_cut, out);
}

}  // namespace avedge::diag

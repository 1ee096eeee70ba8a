// `avedge analyze` (issue 4, part 3): reading captures. Frames from libpcap are decoded down to
// UDP datagrams and TCP segments (Ethernet, Linux cooked SLL/SLL2, raw IP, BSD loopback/null;
// IPv4 and IPv6); TCP is reassembled per direction and cut into STUN/ChannelData frames.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/address.hpp"

namespace avedge::diag {

enum class Proto : uint8_t { Udp, Tcp };
const char* to_string(Proto p);  // "udp", "tcp"

// One transport payload as captured: a UDP datagram or a TCP segment.
struct Segment {
  double time = 0;  // seconds since the Unix epoch
  Proto proto = Proto::Udp;
  Endpoint src, dst;
  std::vector<uint8_t> payload;
  // TCP only
  uint32_t seq = 0;
  bool syn = false;
  bool fin_or_rst = false;
  bool truncated = false;  // cut by the capture's snaplen
};

// ICMP/ICMPv6 "destination/port unreachable" quoting a UDP datagram from `src` to `dst`.
struct Unreachable {
  double time = 0;
  Endpoint src, dst;  // of the quoted (original) datagram
};

struct Capture {
  std::string format;  // "pcap" or "pcapng"
  int linktype = 0;
  size_t frames = 0;
  size_t undecoded = 0;  // frames that were not IPv4/IPv6 UDP/TCP (ARP, fragments, ...)
  std::vector<Segment> segments;
  std::vector<Unreachable> unreachables;
};

// Decodes one frame of link type `linktype` (a DLT_* value) into out; false when it is not a
// UDP/TCP/ICMP-unreachable packet over IPv4/IPv6. `caplen_cut`: the frame was cut by snaplen.
bool decode_frame(int linktype, std::span<const uint8_t> frame, double time, bool caplen_cut,
                  Capture& out);

// Reads a pcap or pcapng file (libpcap). On failure returns false with `error` set; frames read
// before a failure stay in out.
bool read_capture(const std::string& path, Capture& out, std::string& error);
// The same over bytes in memory (fuzzing, tests).
bool read_capture_bytes(std::span<const uint8_t> data, Capture& out, std::string& error);

// A UDP datagram, or a STUN or ChannelData message cut out of a TCP stream.
struct Unit {
  double time = 0;
  Proto proto = Proto::Udp;
  Endpoint src, dst;
  std::vector<uint8_t> bytes;
  bool truncated = false;  // a UDP datagram cut by the capture's snaplen
};

// A TCP stream (one direction) that could not be framed as STUN/ChannelData.
enum class Opaque : uint8_t {
  Tls,      // first byte 0x16: a TLS handshake record (RFC 8446 §5.1)
  NotStun,  // a frame that is neither STUN nor ChannelData
  Cut,      // segments cut by the capture's snaplen or missing: the stream has a gap
};
struct OpaqueStream {
  double time = 0;
  Endpoint src, dst;
  Opaque kind = Opaque::Tls;
};

struct Units {
  std::vector<Unit> units;  // in capture order
  std::vector<OpaqueStream> opaque;
};

// UDP datagrams become units as they are (the analysis tells STUN, ChannelData, relayed and
// other datagrams apart), except that a frame holding the equal-sized datagrams of one UDP GSO
// send, as a capture on the sending host shows them, becomes those datagrams; TCP segments are
// reassembled per direction (by sequence number, retransmissions dropped) and framed per RFC 8656
// §12.5 (STUN length, ChannelData length padded to 4).
Units extract_units(const Capture& cap);

}  // namespace avedge::diag

// Frame decoding for every link type `avedge analyze` reads, IPv4 and IPv6, TCP reassembly and
// framing, and a classic pcap file built in memory.
#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include <cstring>
#include <string>
#include <vector>

#include "diag/analyze.hpp"
#include "wire/channel_data.hpp"
#include "wire/stun_builder.hpp"

namespace avedge::diag {
namespace {

using Bytes = std::vector<uint8_t>;

void put16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
void put32(Bytes& b, uint32_t v) {
  put16(b, static_cast<uint16_t>(v >> 16));
  put16(b, static_cast<uint16_t>(v));
}

// transport header: UDP (8 bytes) or TCP (20 bytes, flags)
Bytes transport(bool tcp, uint16_t sport, uint16_t dport, const Bytes& payload, uint32_t seq = 0,
                uint8_t flags = 0x18) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  if (tcp) {
    put32(b, seq);
    put32(b, 0);
    b.push_back(0x50);
    b.push_back(flags);
    put16(b, 65535);
    put32(b, 0);
  } else {
    put16(b, static_cast<uint16_t>(8 + payload.size()));
    put16(b, 0);
  }
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

Bytes ipv4(const IpAddress& src, const IpAddress& dst, uint8_t proto, const Bytes& l4) {
  Bytes b = {0x45, 0};
  put16(b, static_cast<uint16_t>(20 + l4.size()));
  put32(b, 0);
  b.push_back(64);
  b.push_back(proto);
  put16(b, 0);
  b.insert(b.end(), src.bytes.begin(), src.bytes.begin() + 4);
  b.insert(b.end(), dst.bytes.begin(), dst.bytes.begin() + 4);
  b.insert(b.end(), l4.begin(), l4.end());
  return b;
}

Bytes ipv6(const IpAddress& src, const IpAddress& dst, uint8_t proto, const Bytes& l4) {
  Bytes b = {0x60, 0, 0, 0};
  put16(b, static_cast<uint16_t>(l4.size()));
  b.push_back(proto);
  b.push_back(64);
  b.insert(b.end(), src.bytes.begin(), src.bytes.end());
  b.insert(b.end(), dst.bytes.begin(), dst.bytes.end());
  b.insert(b.end(), l4.begin(), l4.end());
  return b;
}

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Bytes binding_request(uint8_t id) {
  std::array<uint8_t, 64> buf{};
  stun::TransactionId tid{};
  tid[0] = id;
  stun::Builder b(buf, stun::method::Binding, stun::Class::Request, tid);
  b.add_fingerprint();
  return {b.bytes().begin(), b.bytes().end()};
}

const IpAddress kA4 = *IpAddress::parse("192.0.2.1");
const IpAddress kB4 = *IpAddress::parse("198.51.100.2");
const IpAddress kA6 = *IpAddress::parse("2001:db8::1");
const IpAddress kB6 = *IpAddress::parse("2001:db8::2");

TEST(AnalyzePacket, EveryLinkTypeDecodesToTheSameDatagram) {
  const Bytes ip = ipv4(kA4, kB4, 17, transport(false, 40000, 3478, binding_request(1)));
  Bytes eth(12, 0);
  put16(eth, 0x8100);  // a VLAN tag first
  put16(eth, 7);
  put16(eth, 0x0800);
  Bytes sll(14, 0);
  put16(sll, 0x0800);
  Bytes sll2;
  put16(sll2, 0x0800);
  sll2.resize(20, 0);
  const Bytes null_hdr = {2, 0, 0, 0};  // AF_INET, little-endian host
  const Bytes loop_hdr = {0, 0, 0, 2};
  const std::vector<std::pair<int, Bytes>> frames = {{DLT_EN10MB, concat(eth, ip)},
                                                     {DLT_LINUX_SLL, concat(sll, ip)},
                                                     {DLT_LINUX_SLL2, concat(sll2, ip)},
                                                     {DLT_NULL, concat(null_hdr, ip)},
                                                     {DLT_LOOP, concat(loop_hdr, ip)},
                                                     {DLT_RAW, ip},
                                                     {DLT_IPV4, ip}};
  for (const auto& [lt, frame] : frames) {
    Capture cap;
    ASSERT_TRUE(decode_frame(lt, frame, 1.0, false, cap)) << "linktype " << lt;
    ASSERT_EQ(cap.segments.size(), 1u);
    EXPECT_EQ(cap.segments[0].src.to_string(), "192.0.2.1:40000");
    EXPECT_EQ(cap.segments[0].dst.to_string(), "198.51.100.2:3478");
    EXPECT_EQ(cap.segments[0].payload, binding_request(1));
  }
  Capture cap;
  EXPECT_FALSE(decode_frame(DLT_EN10MB, Bytes(13, 0), 1.0, false, cap));  // short
  EXPECT_FALSE(decode_frame(DLT_EN10MB, concat(Bytes(12, 0), {0x08, 0x06}), 1.0, false, cap));
  EXPECT_FALSE(decode_frame(12345, ip, 1.0, false, cap));  // unknown link type
}

TEST(AnalyzePacket, Ipv6WithExtensionHeaderAndIcmp6Unreachable) {
  const Bytes udp = transport(false, 40000, 3478, binding_request(2));
  Bytes hop = {17, 0, 0, 0, 0, 0, 0, 0};  // hop-by-hop options, next header UDP
  const Bytes ip = ipv6(kA6, kB6, 0, concat(hop, udp));
  Capture cap;
  ASSERT_TRUE(decode_frame(DLT_RAW, ip, 2.0, false, cap));
  ASSERT_EQ(cap.segments.size(), 1u);
  EXPECT_EQ(cap.segments[0].src.to_string(), "[2001:db8::1]:40000");
  // ICMPv6 destination unreachable quoting that datagram, from the server back
  const Bytes quoted = ipv6(kA6, kB6, 17, udp);
  const Bytes icmp = concat({1, 4, 0, 0, 0, 0, 0, 0}, quoted);
  ASSERT_TRUE(decode_frame(DLT_RAW, ipv6(kB6, kA6, 58, icmp), 2.1, false, cap));
  ASSERT_EQ(cap.unreachables.size(), 1u);
  EXPECT_EQ(cap.unreachables[0].dst.to_string(), "[2001:db8::2]:3478");
  // and the analysis says nothing listens there
  FileReport r;
  analyze_units(cap, extract_units(cap), r);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].id, "ANA-NOANSWER-002");
}

TEST(AnalyzePacket, TcpOutOfOrderRetransmittedAndPaddedChannelData) {
  // STUN request, then ChannelData with 5 bytes of data padded to 8 (RFC 8656 §12.5), split
  // across segments that arrive out of order, one of them twice.
  Bytes stream = binding_request(3);
  std::array<uint8_t, 16> cd{};
  const uint8_t data[5] = {1, 2, 3, 4, 5};
  stream.insert(stream.end(), cd.begin(),
                cd.begin() + static_cast<long>(wire::encode_channel_data(cd, 0x4001, data, true)));
  ASSERT_EQ(stream.size(), 28u + 12u);  // Binding + FINGERPRINT, ChannelData 4 + 5 + 3 pad
  const uint32_t isn = 1000;
  auto seg = [&](size_t from, size_t to) {
    Bytes part(stream.begin() + static_cast<long>(from), stream.begin() + static_cast<long>(to));
    return ipv4(kA4, kB4, 6,
                transport(true, 40000, 3478, part, isn + 1 + static_cast<uint32_t>(from)));
  };
  Capture cap;
  decode_frame(DLT_RAW, ipv4(kA4, kB4, 6, transport(true, 40000, 3478, {}, isn, 0x02)), 0.0, false,
               cap);                                    // SYN
  decode_frame(DLT_RAW, seg(10, 30), 0.2, false, cap);  // ahead
  decode_frame(DLT_RAW, seg(0, 10), 0.3, false, cap);
  decode_frame(DLT_RAW, seg(0, 10), 0.4, false, cap);  // retransmission
  decode_frame(DLT_RAW, seg(30, stream.size()), 0.5, false, cap);
  const Units u = extract_units(cap);
  EXPECT_TRUE(u.opaque.empty());
  ASSERT_EQ(u.units.size(), 2u);
  EXPECT_EQ(u.units[0].bytes, binding_request(3));
  EXPECT_EQ(u.units[0].time, 0.3);
  EXPECT_EQ(u.units[1].bytes.size(), 12u);
  EXPECT_EQ(u.units[1].bytes[0], 0x40);
}

// A capture on the sending host shows the datagrams of one UDP GSO send (decision 0010) as one
// frame; the analysis sees them as the datagrams they are.
TEST(AnalyzePacket, UdpGsoFrameBecomesItsDatagrams) {
  auto channel_data = [](size_t n) {
    std::array<uint8_t, 64> buf{};
    const Bytes data(n, 0xab);
    return Bytes(buf.begin(), buf.begin() + static_cast<long>(wire::encode_channel_data(
                                                buf, 0x4001, data, false)));
  };
  const Bytes cd = channel_data(5);  // 9 bytes, unpadded as over UDP
  const Bytes gso = concat(concat(concat(cd, cd), cd), channel_data(3));  // 9, 9, 9, then 7
  const Bytes stun = concat(binding_request(4), binding_request(5));
  const Bytes junk = concat(cd, Bytes{0x40, 0x01, 0x00});  // not a whole message after it
  Capture cap;
  for (const Bytes* p : {&gso, &stun, &junk}) {
    ASSERT_TRUE(decode_frame(DLT_RAW, ipv4(kA4, kB4, 17, transport(false, 3478, 40000, *p)), 1,
                             false, cap));
  }
  const Units u = extract_units(cap);
  ASSERT_EQ(u.units.size(), 4u + 2u + 1u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(u.units[i].bytes, cd) << i;
  EXPECT_EQ(u.units[3].bytes, channel_data(3));
  EXPECT_EQ(u.units[4].bytes, binding_request(4));
  EXPECT_EQ(u.units[5].bytes, binding_request(5));
  EXPECT_EQ(u.units[6].bytes, junk);
}

TEST(AnalyzePacket, TcpStreamThatIsNotStun) {
  const Bytes http = {'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1'};
  Capture cap;
  decode_frame(DLT_RAW, ipv4(kA4, kB4, 6, transport(true, 40000, 3478, http, 5)), 0.0, false, cap);
  FileReport r;
  analyze_units(cap, extract_units(cap), r);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].id, "ANA-TCP-001");
}

TEST(AnalyzePacket, ClassicPcapInMemory) {
  // pcap-savefile(5): little-endian microsecond header, link type SLL2, one record
  Bytes sll2;
  put16(sll2, 0x86DD);
  sll2.resize(20, 0);
  const Bytes frame =
      concat(sll2, ipv6(kA6, kB6, 17, transport(false, 40001, 3478, binding_request(4))));
  Bytes file;
  auto le32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) file.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  le32(0xA1B2C3D4);
  le32(0x00040002);  // version 2.4
  le32(0);
  le32(0);
  le32(65535);
  le32(DLT_LINUX_SLL2);
  le32(1764000000);
  le32(250000);
  le32(static_cast<uint32_t>(frame.size()));
  le32(static_cast<uint32_t>(frame.size()));
  file.insert(file.end(), frame.begin(), frame.end());
  const FileReport r =
      analyze_bytes({reinterpret_cast<const char*>(file.data()), file.size()}, "mem.pcap");
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.type, "pcap");
  EXPECT_EQ(r.frames, 1u);
  ASSERT_EQ(r.timeline.size(), 1u);
  EXPECT_EQ(r.timeline[0].what, "Binding request");
  EXPECT_EQ(clock_time(r.timeline[0].time), "16:00:00.250");
  ASSERT_EQ(r.findings.size(), 1u);  // the request is never answered, and the capture ends
  EXPECT_EQ(r.findings[0].id, "ANA-NOANSWER-003");
  EXPECT_EQ(r.findings[0].severity, Severity::Warning);
}

}  // namespace
}  // namespace avedge::diag

// ChannelData parse/encode, first-byte classification and stream framing.
#include <gtest/gtest.h>

#include <vector>

#include "stun_vectors.hpp"
#include "wire/channel_data.hpp"
#include "wire/stun_constants.hpp"

namespace avedge::wire {
namespace {

std::vector<uint8_t> cd(uint16_t ch, uint16_t len, size_t body) {
  std::vector<uint8_t> b(4 + body, 0x5A);
  b[0] = static_cast<uint8_t>(ch >> 8);
  b[1] = static_cast<uint8_t>(ch);
  b[2] = static_cast<uint8_t>(len >> 8);
  b[3] = static_cast<uint8_t>(len);
  return b;
}

TEST(Classify, FirstByteRanges) {
  for (int b = 0; b < 256; ++b) {
    const Kind k = classify(static_cast<uint8_t>(b));
    if (b <= 3) {
      EXPECT_EQ(k, Kind::Stun) << b;
    } else if (b >= 64 && b <= 127) {
      EXPECT_EQ(k, Kind::ChannelData) << b;
    } else {
      EXPECT_EQ(k, Kind::Other) << b;
    }
  }
}

TEST(ChannelDataParse, Valid) {
  auto b = cd(0x4001, 5, 5);
  ChannelData out;
  ASSERT_TRUE(parse_channel_data(b, out));
  EXPECT_EQ(out.channel, 0x4001);
  EXPECT_EQ(out.data.size(), 5u);
  EXPECT_EQ(out.data.data(), b.data() + 4);
  b.resize(12, 0);  // with padding (allowed over UDP)
  ASSERT_TRUE(parse_channel_data(b, out));
  EXPECT_EQ(out.data.size(), 5u);
  auto empty = cd(0x4FFF, 0, 0);
  ASSERT_TRUE(parse_channel_data(empty, out));
  EXPECT_EQ(out.channel, 0x4FFF);
  EXPECT_TRUE(out.data.empty());
}

TEST(ChannelDataParse, Invalid) {
  ChannelData out;
  EXPECT_FALSE(parse_channel_data({}, out));
  EXPECT_FALSE(parse_channel_data(std::vector<uint8_t>{0x40, 0x00, 0x00}, out));
  EXPECT_FALSE(parse_channel_data(cd(0x4000, 6, 5), out));       // length past the end
  EXPECT_FALSE(parse_channel_data(cd(0x4000, 0xFFFF, 3), out));  // stunner "memoryleak"
  EXPECT_FALSE(parse_channel_data(cd(0x4000, 4, 12), out));      // more than padding follows
  for (uint16_t ch : {uint16_t{0x3FFF}, uint16_t{0x0001}, uint16_t{0x8000}, uint16_t{0xFFFF}}) {
    EXPECT_FALSE(parse_channel_data(cd(ch, 4, 4), out)) << ch;
  }
}

TEST(ChannelDataEncode, PaddedAndUnpadded) {
  const uint8_t data[] = {1, 2, 3, 4, 5};
  std::vector<uint8_t> buf(32, 0xAA);
  ASSERT_EQ(encode_channel_data(buf, 0x4123, data, true), 12u);
  EXPECT_EQ(buf[0], 0x41);
  EXPECT_EQ(buf[1], 0x23);
  EXPECT_EQ(buf[2], 0);
  EXPECT_EQ(buf[3], 5);
  EXPECT_EQ(buf[8], 5);
  EXPECT_EQ(buf[9], 0);
  EXPECT_EQ(buf[10], 0);
  EXPECT_EQ(buf[11], 0);
  EXPECT_EQ(buf[12], 0xAA);  // untouched
  ChannelData out;
  ASSERT_TRUE(parse_channel_data(std::span<const uint8_t>(buf.data(), 12), out));
  EXPECT_EQ(out.channel, 0x4123);
  EXPECT_TRUE(std::equal(out.data.begin(), out.data.end(), std::begin(data)));

  std::fill(buf.begin(), buf.end(), 0xAA);
  ASSERT_EQ(encode_channel_data(buf, 0x4123, data, false), 9u);
  EXPECT_EQ(buf[9], 0xAA);
}

TEST(ChannelDataEncode, TooSmall) {
  const uint8_t data[] = {1, 2, 3, 4, 5};
  std::vector<uint8_t> buf(11, 0xAA);
  EXPECT_EQ(encode_channel_data(buf, 0x4000, data, true), 0u);
  EXPECT_EQ(encode_channel_data(std::span<uint8_t>(buf.data(), 8), 0x4000, data, false), 0u);
  for (uint8_t b : buf) EXPECT_EQ(b, 0xAA);
  EXPECT_EQ(encode_channel_data(std::span<uint8_t>(buf.data(), 9), 0x4000, data, false), 9u);
  std::vector<uint8_t> huge(70000);
  std::vector<uint8_t> out(80000);
  EXPECT_EQ(encode_channel_data(out, 0x4000, huge, false), 0u);
}

TEST(NextFrame, Stun) {
  const auto msg = test::from_hex(test::kReqHex);
  std::vector<uint8_t> stream = msg;
  stream.insert(stream.end(), msg.begin(), msg.begin() + 10);
  for (size_t n = 0; n < msg.size(); ++n) {
    const Frame f = next_frame(std::span<const uint8_t>(stream.data(), n));
    EXPECT_EQ(f.status, FrameStatus::NeedMore) << n;
  }
  const Frame f = next_frame(stream);
  ASSERT_EQ(f.status, FrameStatus::Complete);
  EXPECT_EQ(f.kind, Kind::Stun);
  EXPECT_EQ(f.size, msg.size());
}

TEST(NextFrame, StunInvalid) {
  auto msg = test::from_hex(test::kReqHex);
  auto bad_cookie = msg;
  bad_cookie[5] = 0;
  EXPECT_EQ(next_frame(bad_cookie).status, FrameStatus::Invalid);
  EXPECT_EQ(next_frame(std::span<const uint8_t>(bad_cookie.data(), 8)).status,
            FrameStatus::Invalid);
  auto bad_len = msg;
  bad_len[3] = 0x57;
  EXPECT_EQ(next_frame(bad_len).status, FrameStatus::Invalid);
  const uint8_t other[] = {0x16, 0x03, 0x01, 0x00};  // TLS record
  EXPECT_EQ(next_frame(other).status, FrameStatus::Invalid);
  const uint8_t high[] = {0x80, 0x00, 0x00, 0x00};  // RTP range: not ours
  EXPECT_EQ(next_frame(high).status, FrameStatus::Invalid);
  // RFC 5766 channels 0x5000-0x7FFF frame like any ChannelData.
  const uint8_t legacy[] = {0x63, 0x75, 0x00, 0x01, 0xAA, 0, 0, 0};
  EXPECT_EQ(next_frame(legacy).status, FrameStatus::Complete);
  EXPECT_EQ(next_frame(legacy).size, 8U);
}

TEST(ChannelDataParse, Rfc5766RangeIsAccepted) {
  ChannelData out;
  const std::vector<uint8_t> d{0x63, 0x75, 0x00, 0x01, 0xAA};
  ASSERT_TRUE(parse_channel_data(d, out));
  EXPECT_EQ(out.channel, 0x6375);
  EXPECT_EQ(classify(0x7F), Kind::ChannelData);
  EXPECT_EQ(classify(0x80), Kind::Other);
}

TEST(NextFrame, ChannelDataPadded) {
  for (uint16_t len = 0; len < 12; ++len) {
    const size_t padded = (len + 3u) & ~3u;
    auto b = cd(0x4000, len, padded + 4);  // followed by the next frame's bytes
    for (size_t n = 0; n < 4 + padded; ++n) {
      EXPECT_EQ(next_frame(std::span<const uint8_t>(b.data(), n)).status, FrameStatus::NeedMore)
          << len << " " << n;
    }
    const Frame f = next_frame(b);
    ASSERT_EQ(f.status, FrameStatus::Complete);
    EXPECT_EQ(f.kind, Kind::ChannelData);
    EXPECT_EQ(f.size, 4 + padded);
  }
}

// coturn CVE-2026-68552: 16-bit arithmetic turned these into tiny frames.
TEST(NextFrame, LargeLengthsNeverWrap) {
  for (uint32_t len = 65520; len <= 65535; ++len) {
    const uint8_t l0 = static_cast<uint8_t>(len >> 8), l1 = static_cast<uint8_t>(len);
    // ChannelData: NeedMore with a short buffer, exact size with the whole frame.
    std::vector<uint8_t> c{0x40, 0x00, l0, l1};
    c.resize(64);
    Frame f = next_frame(c);
    EXPECT_EQ(f.status, FrameStatus::NeedMore) << len;
    const size_t want = 4 + ((len + 3) & ~3u);
    EXPECT_GE(want, 65524u);  // 16-bit arithmetic would have wrapped 4 + len + pad
    c.resize(want - 1);
    EXPECT_EQ(next_frame(c).status, FrameStatus::NeedMore) << len;
    c.resize(want + 7);
    f = next_frame(c);
    ASSERT_EQ(f.status, FrameStatus::Complete) << len;
    EXPECT_EQ(f.size, want);

    // STUN: lengths not a multiple of 4 are invalid; others need 20 + len.
    std::vector<uint8_t> s{0x00, 0x01, l0, l1, 0x21, 0x12, 0xA4, 0x42};
    s.resize(64);
    f = next_frame(s);
    if (len % 4 != 0) {
      EXPECT_EQ(f.status, FrameStatus::Invalid) << len;
      continue;
    }
    EXPECT_EQ(f.status, FrameStatus::NeedMore) << len;
    s.resize(20 + len - 1);
    EXPECT_EQ(next_frame(s).status, FrameStatus::NeedMore) << len;
    s.resize(20 + len);
    f = next_frame(s);
    ASSERT_EQ(f.status, FrameStatus::Complete) << len;
    EXPECT_EQ(f.size, 20u + len);
  }
}

TEST(NextFrame, Empty) {
  EXPECT_EQ(next_frame({}).status, FrameStatus::NeedMore);
  const uint8_t one[] = {0x40};
  EXPECT_EQ(next_frame(one).status, FrameStatus::NeedMore);
  const uint8_t stun_one[] = {0x00};
  EXPECT_EQ(next_frame(stun_one).status, FrameStatus::NeedMore);
}

}  // namespace
}  // namespace avedge::wire

// libFuzzer target: ChannelData parse/encode, first-byte classification, stream framing.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "wire/channel_data.hpp"
#include "wire/stun_message.hpp"

namespace {

using namespace avedge::wire;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  if (size > 0) (void)classify(data[0]);

  // As a datagram.
  ChannelData cd;
  if (parse_channel_data(in, cd)) {
    check(cd.channel >= 0x4000 &&
          cd.channel <= 0x7FFF);  // the RFC 5766 range, see channel_data.hpp
    check(cd.data.data() == data + 4 && 4 + cd.data.size() <= size);
    static std::vector<uint8_t> out(4 + 65536 + 3);
    for (bool pad : {false, true}) {
      const size_t n = encode_channel_data(out, cd.channel, cd.data, pad);
      check(n == 4 + (pad ? (cd.data.size() + 3) / 4 * 4 : cd.data.size()));
      check(std::memcmp(out.data(), data, 4 + cd.data.size()) == 0);
      for (size_t i = 4 + cd.data.size(); i < n; ++i) check(out[i] == 0);
      ChannelData again;
      check(parse_channel_data(std::span<const uint8_t>(out.data(), n), again));
      check(again.channel == cd.channel && again.data.size() == cd.data.size());
    }
  }

  // As a byte stream: consume whole frames until more bytes are needed or it is invalid.
  size_t off = 0;
  while (off < size) {
    const auto rest = in.subspan(off);
    const Frame f = next_frame(rest);
    if (f.status != FrameStatus::Complete) break;
    check(f.size >= 4 && f.size <= rest.size() && f.size % 4 == 0);
    const auto frame = rest.first(f.size);
    if (f.kind == Kind::ChannelData) {
      ChannelData c;
      check(parse_channel_data(frame, c));
    } else {
      check(f.kind == Kind::Stun && f.size >= 20);
      static avedge::stun::Message m;
      (void)avedge::stun::parse(frame, m);
    }
    off += f.size;
  }
  return 0;
}

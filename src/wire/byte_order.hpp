// Network byte order reads and writes by shifts: no pointer casts, no alignment assumptions
// (coturn CVE-2026-40613), and the 4-byte padding of STUN attributes and ChannelData.
#pragma once

#include <cstddef>
#include <cstdint>

namespace avedge::wire {

inline uint16_t load16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
inline uint32_t load32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
inline void store16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void store32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
constexpr size_t pad4(size_t n) {
  return (n + 3) & ~size_t{3};
}

}  // namespace avedge::wire

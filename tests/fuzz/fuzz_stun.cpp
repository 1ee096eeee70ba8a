// libFuzzer target: STUN parser, every attribute decoder, integrity checks, and re-encoding
// through Builder (decode, re-encode, decode again must agree).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/crypto.hpp"
#include "wire/stun_builder.hpp"
#include "wire/stun_message.hpp"

namespace {

using namespace avedge::stun;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool same(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

void decode_all(const Message& m) {
  for (size_t i = 0; i < m.attr_count; ++i) {
    const Attribute& a = m.attrs[i];
    check(a.value.data() >= m.raw.data() &&
          a.value.data() + a.value.size() <= m.raw.data() + m.raw.size());
    (void)decode_xor_address(a, m.tid);
    (void)decode_address(a);
    (void)decode_u32(a);
    (void)decode_channel_number(a);
    if (auto e = decode_error_code(a)) check(e->code >= 300 && e->code <= 699);
    (void)decode_string(a);
    (void)decode_requested_transport(a);
    (void)decode_address_family(a);
    (void)decode_even_port(a);
    (void)decode_password_algorithm(a);
    std::array<PasswordAlgorithm, 8> algs{};
    (void)decode_password_algorithms(a, algs);
  }
  std::array<uint16_t, 8> unknown{};
  check(unknown_required_attributes(m, unknown) <= 8);
  const uint8_t key[] = {'k', 'e', 'y'};
  (void)verify_message_integrity(m, key);
  (void)verify_message_integrity_sha256(m, key);
}

// Rebuilds the covered attributes, once raw and once through the typed adders where a
// decoder accepts the value, then checks the rebuilt message parses to the same content.
void reencode(const Message& m) {
  static std::vector<uint8_t> buf(70000);
  static std::vector<uint8_t> buf2(70000);
  Builder b(buf, m.method, m.cls, m.tid);
  Builder t(buf2, m.method, m.cls, m.tid);
  for (const Attribute& a : m.attributes()) {
    b.add(a.type, a.value);
    auto ep = decode_xor_address(a, m.tid);
    auto plain = decode_address(a);
    auto err = decode_error_code(a);
    if (ep && a.value[0] == 0) {
      t.add_xor_address(a.type, *ep);
    } else if (plain && a.value[0] == 0) {
      t.add_address(a.type, *plain);
    } else if (a.type == attr::ErrorCode && err && a.value[0] == 0 && a.value[1] == 0 &&
               (a.value[2] & 0xF8) == 0) {
      t.add_error_code(err->code, err->reason);
    } else if (auto u = decode_u32(a)) {
      t.add_u32(a.type, *u);
    } else {
      t.add(a.type, a.value);
    }
  }
  const uint8_t key[] = {'k', 'e', 'y'};
  b.add_message_integrity(key).add_message_integrity_sha256(key).add_fingerprint();
  t.add_fingerprint();
  for (const Builder* x : {&b, &t}) {
    if (!x->ok()) continue;  // covered part too close to the 64 KiB limit
    Message r;
    check(parse(x->bytes(), r) == ParseError::None);
    check(r.method == m.method && r.cls == m.cls && r.tid == m.tid);
    check(r.covered_count == m.covered_count);
    for (size_t i = 0; i < r.covered_count; ++i) {
      check(r.attrs[i].type == m.attrs[i].type);
      check(same(r.attrs[i].value, m.attrs[i].value));
    }
    check(r.fingerprint != nullptr);
    if (x == &b) {
      check(verify_message_integrity(r, key));
      check(verify_message_integrity_sha256(r, key));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Message m;
  std::span<const uint8_t> in(data, size);
  const ParseError e = parse(in, m);
  (void)to_string(e);
  (void)looks_like_stun(in);
  if (e != ParseError::None) return 0;
  check(m.raw.size() == size && m.attr_count <= kMaxAttributes);
  check(m.covered_count <= m.attr_count);
  decode_all(m);
  if (m.covered_count + 3 <= kMaxAttributes) reencode(m);  // room for MI, MI-SHA256, FP

  // Same bytes at an odd address parse the same way (no alignment assumptions).
  static std::vector<uint8_t> shifted;
  shifted.assign(size + 1, 0);
  std::memcpy(shifted.data() + 1, data, size);
  static Message m2;
  check(parse(std::span<const uint8_t>(shifted.data() + 1, size), m2) == ParseError::None);
  check(m2.attr_count == m.attr_count && m2.covered_count == m.covered_count);
  decode_all(m2);
  return 0;
}

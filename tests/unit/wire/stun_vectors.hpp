// Test vectors: RFC 5769 §2 and RFC 8489 Appendix B.1 (with errata 6268), as hex. The RFC 5769
// bytes match /work/shared/clients/rfc5769_vectors.py, which checks them with Python's stdlib.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace avedge::test {

inline std::vector<uint8_t> from_hex(std::string_view h) {
  auto nib = [](char c) -> uint8_t {
    if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
    return static_cast<uint8_t>(c - 'A' + 10);
  };
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<uint8_t>((nib(h[i]) << 4) | nib(h[i + 1])));
  }
  return out;
}

// RFC 5769 §2.1: Binding request, SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME "evtj:h6vY",
// MESSAGE-INTEGRITY (short-term password below), FINGERPRINT.
constexpr std::string_view kReqHex =
    "000100582112a442b7e7a701bc34d686fa87dfae"
    "802200105354554e207465737420636c69656e74"
    "002400046e0001ff"
    "80290008932ff9b151263b36"
    "000600096576746a3a68367659202020"
    "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
    "80280004e57a3bcf";
// RFC 5769 §2.2: IPv4 success response, XOR-MAPPED-ADDRESS 192.0.2.1:32853.
constexpr std::string_view kResp4Hex =
    "0101003c2112a442b7e7a701bc34d686fa87dfae"
    "8022000b7465737420766563746f7220"
    "002000080001a147e112a643"
    "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
    "80280004c07d4c96";
// RFC 5769 §2.3: IPv6 success response, [2001:db8:1234:5678:11:2233:4455:6677]:32853.
constexpr std::string_view kResp6Hex =
    "010100482112a442b7e7a701bc34d686fa87dfae"
    "8022000b7465737420766563746f7220"
    "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
    "00080014a382954e4be67bf11784c97c8292c275bfe3ed41"
    "80280004c8fb0b4c";
// RFC 5769 §2.4: long-term credentials request (USERNAME, NONCE, REALM, MESSAGE-INTEGRITY).
constexpr std::string_view kLongTermHex =
    "000100602112a44278ad3433c6ad72c029da412e"
    "00060012e3839ee38388e383aae38383e382afe382b90000"
    "0015001c662f2f3439396b39353464364f4c33346f4c39465354767936347341"
    "0014000b6578616d706c652e6f726700"
    "00080014f67024656dd64a3e02b8e0712e85c9a28ca89666";

// RFC 8489 Appendix B.1 as corrected by errata 6268: USERHASH, NONCE, REALM,
// PASSWORD-ALGORITHM (SHA-256), MESSAGE-INTEGRITY-SHA256.
constexpr std::string_view kB1Hex =
    "000100902112a44278ad3433c6ad72c029da412e"
    "001e00204a3cf38fef6992bda952c6780417da0f24819415569e60b205c46e41407f1704"
    "001500296f624d61744a6f733241414143662f2f3439396b39353464364f4c33346f4c3946535476793634"
    "73410000000014000b6578616d706c652e6f726700"
    "001d000400020000"
    "001c0020b5c7bf005b6c52a21c51c5e892f81924136296cb927c43149309278cc6518e65";

constexpr std::string_view kShortTermPassword = "VOkJxbRl1RmTxUk/WvJxBt";
// "マトリックス" (katakana "matrix"), UTF-8.
constexpr std::string_view kLtUser =
    "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9";
constexpr std::string_view kLtRealm = "example.org";
constexpr std::string_view kLtPassword = "TheMatrIX";  // SASLprep'ed (RFC 5769 §2.4)
constexpr std::string_view kLtNonce = "f//499k954d6OL34oL9FSTvy64sA";
constexpr std::string_view kB1Nonce = "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA";

}  // namespace avedge::test

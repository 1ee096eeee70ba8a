// Known-answer tests for the OpenSSL wrappers and CRC-32.
#include "core/crypto.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace avedge::crypto {
namespace {

std::vector<uint8_t> rep(uint8_t b, size_t n) {
  return std::vector<uint8_t>(n, b);
}

TEST(Crypto, HmacSha1Rfc2202) {
  // RFC 2202 §3 test cases 1, 2 and 6 (key longer than the block).
  EXPECT_EQ(hex(hmac_sha1(rep(0x0b, 20), as_bytes("Hi There"))),
            "b617318655057264e28bc0b6fb378c8ef146be00");
  EXPECT_EQ(hex(hmac_sha1(as_bytes("Jefe"), as_bytes("what do ya want for nothing?"))),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  EXPECT_EQ(hex(hmac_sha1(rep(0xaa, 80),
                          as_bytes("Test Using Larger Than Block-Size Key - Hash Key First"))),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

TEST(Crypto, HmacSha256Rfc4231) {
  // RFC 4231 §4.2 and §4.3.
  EXPECT_EQ(hex(hmac_sha256(rep(0x0b, 20), as_bytes("Hi There"))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex(hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, HmacPartsEqualsWhole) {
  const std::string msg = "what do ya want for nothing?";
  const auto whole = as_bytes(msg);
  for (size_t cut = 0; cut <= msg.size(); ++cut) {
    const std::span<const uint8_t> parts[] = {whole.first(cut), whole.subspan(cut)};
    EXPECT_EQ(hmac_sha1_parts(as_bytes("Jefe"), parts), hmac_sha1(as_bytes("Jefe"), whole));
    EXPECT_EQ(hmac_sha256_parts(as_bytes("Jefe"), parts), hmac_sha256(as_bytes("Jefe"), whole));
  }
}

TEST(Crypto, HmacEmptyKey) {
  // HMAC-SHA1("", "") and HMAC-SHA256("", "") (well-known values).
  EXPECT_EQ(hex(hmac_sha1({}, {})), "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
  EXPECT_EQ(hex(hmac_sha256({}, {})),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

// The contexts are kept per thread and keyed per call (or re-used for a key they keep): a key,
// then an empty key, then the first again give each its own answer, and threads do not see
// each other's keys.
TEST(Crypto, HmacContextsAreRekeyedAndPerThread) {
  const auto jefe = [] {
    return hex(hmac_sha1(as_bytes("Jefe"), as_bytes("what do ya want for nothing?")));
  };
  const auto empty = [] { return hex(hmac_sha1({}, {})); };
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(jefe(), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    EXPECT_EQ(empty(), "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
  }
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const bool ok = (t + i) % 2 == 0
                            ? jefe() == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
                            : hex(md5(as_bytes("abc"))) == "900150983cd24fb0d6963f7d28e17f72" &&
                                  empty() == "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d";
        if (!ok) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

// Each thread keeps a few keyed contexts and re-uses the one whose key comes again: any order
// of more keys than it keeps, of the same key twice, of a key longer than it remembers, gives
// the answer the first computation gave.
TEST(Crypto, HmacKeptKeysGiveTheSameAnswers) {
  std::vector<std::vector<uint8_t>> keys;
  for (uint8_t i = 1; i <= 7; ++i) keys.push_back(rep(i, 16 + i));
  keys.push_back(rep(0xaa, 80));  // longer than a block: used, not remembered
  keys.emplace_back();
  const auto msg = as_bytes("a STUN message up to MESSAGE-INTEGRITY");
  std::vector<Sha1Digest> first1;
  std::vector<Sha256Digest> first256;
  for (const auto& k : keys) {
    first1.push_back(hmac_sha1(k, msg));
    first256.push_back(hmac_sha256(k, msg));
  }
  EXPECT_EQ(hex(hmac_sha1(rep(0xaa, 80),
                          as_bytes("Test Using Larger Than Block-Size Key - Hash Key First"))),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112");
  for (size_t round = 0; round < 3; ++round) {
    for (size_t j = 0; j < keys.size(); ++j) {
      const size_t i = (j * 5 + round) % keys.size();  // another order each round
      for (int twice = 0; twice < 2; ++twice) {
        EXPECT_EQ(hmac_sha1(keys[i], msg), first1[i]) << "key " << i;
        EXPECT_EQ(hmac_sha256(keys[i], msg), first256[i]) << "key " << i;
      }
    }
  }
  EXPECT_NE(first1[0], first1[1]);
}

TEST(Crypto, Digests) {
  // RFC 1321 §A.5; FIPS 180-2 "abc".
  EXPECT_EQ(hex(md5({})), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(hex(md5(as_bytes("abc"))), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(hex(sha256(as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256({})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Crypto, Crc32) {
  // CRC-32/ISO-HDLC check value, as zlib.
  EXPECT_EQ(crc32(as_bytes("123456789")), 0xCBF43926u);
  EXPECT_EQ(crc32({}), 0u);
  EXPECT_EQ(crc32(as_bytes("The quick brown fox jumps over the lazy dog")), 0x414FA339u);
}

TEST(Crypto, EqualCt) {
  const uint8_t a[] = {1, 2, 3};
  const uint8_t b[] = {1, 2, 4};
  EXPECT_TRUE(equal_ct(a, a));
  EXPECT_FALSE(equal_ct(a, b));
  EXPECT_FALSE(equal_ct(std::span<const uint8_t>(a).first(2), a));
  EXPECT_TRUE(equal_ct({}, {}));
}

TEST(Crypto, Random) {
  std::array<uint8_t, 32> x{}, y{};
  random_bytes(x);
  random_bytes(y);
  EXPECT_NE(x, y);
  std::set<uint32_t> seen;
  for (int i = 0; i < 64; ++i) seen.insert(random_u32());
  EXPECT_GT(seen.size(), 60u);
  random_bytes({});
}

TEST(Crypto, Base64Rfc4648) {
  // RFC 4648 §10.
  const std::pair<const char*, const char*> v[] = {{"", ""},
                                                   {"f", "Zg=="},
                                                   {"fo", "Zm8="},
                                                   {"foo", "Zm9v"},
                                                   {"foob", "Zm9vYg=="},
                                                   {"fooba", "Zm9vYmE="},
                                                   {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, enc] : v) {
    EXPECT_EQ(base64_encode(as_bytes(plain)), enc);
    auto d = base64_decode(enc);
    ASSERT_TRUE(d.has_value()) << enc;
    EXPECT_EQ(std::string(d->begin(), d->end()), plain);
  }
}

TEST(Crypto, Base64RoundTripBinary) {
  for (size_t n = 0; n < 300; n += 7) {
    std::vector<uint8_t> data(n);
    for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(i * 37 + 11);
    auto d = base64_decode(base64_encode(data));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(*d, data);
  }
  std::vector<uint8_t> big(10000, 0xFE);  // more than one internal chunk
  EXPECT_EQ(*base64_decode(base64_encode(big)), big);
}

TEST(Crypto, Base64Invalid) {
  for (const char* bad : {"Zg=", "Zg", "Z", "Zm9v!", "Zm9v YmFy", "Zm 9v", "=Zm9",
                          "Z===", "Zg==Zg==", "Zm=v", "Zm9v\n", "====", "Zm9vYg=\n"}) {
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
  }
}

TEST(Crypto, Hex) {
  const uint8_t b[] = {0x00, 0x0f, 0xa5, 0xff};
  EXPECT_EQ(hex(b), "000fa5ff");
  EXPECT_EQ(hex({}), "");
}

}  // namespace
}  // namespace avedge::crypto

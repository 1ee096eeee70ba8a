// OpenSSL 3 wrappers: HMAC (EVP_MAC), digests (EVP_MD), RNG, base64, CRC-32.
#include "core/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>

namespace avedge::crypto {
namespace {

// OpenSSL failures here mean a broken library or out of memory; continuing with a wrong
// MAC or predictable randomness would be worse than stopping.
[[noreturn]] void fail() {
  std::abort();
}

// Algorithms are fetched once and contexts kept per thread: OpenSSL 3 looks an algorithm up by
// name (locks, string compares) and allocates a context on every one-shot call, which cost more
// than the hash itself and half of an allocation's setup (docs/PERFORMANCE.md).
EVP_MAC* hmac_algorithm() {
  // EVP_MAC and EVP_MD objects are reference counted and safe to share across threads.
  static EVP_MAC* mac = [] {
    EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (m == nullptr) fail();
    return m;
  }();
  return mac;
}

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

// An HMAC context for `digest`, its digest set once.
MacCtx new_hmac_ctx(const char* digest) {
  MacCtx ctx(EVP_MAC_CTX_new(hmac_algorithm()));
  if (!ctx) fail();
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_CTX_set_params(ctx.get(), params) != 1) fail();
  return ctx;
}

// This thread's HMAC contexts of one digest, each keeping the key it was last given: a key
// used lately (the REST secret, the nonce key, a user's key across its requests) is not keyed
// again, which costs more than the MAC of a STUN message (OpenSSL re-inits a keyed context
// from its saved inner and outer states when EVP_MAC_init gets no key).
class KeyedContexts {
 public:
  explicit KeyedContexts(const char* digest) {
    for (Slot& s : slots_) s.ctx = new_hmac_ctx(digest);
  }
  ~KeyedContexts() {
    for (Slot& s : slots_) OPENSSL_cleanse(s.key.data(), s.key.size());
  }
  KeyedContexts(const KeyedContexts&) = delete;
  KeyedContexts& operator=(const KeyedContexts&) = delete;

  // A context initialized with `key`, ready for EVP_MAC_update.
  EVP_MAC_CTX* with_key(std::span<const uint8_t> key) {
    ++clock_;
    for (Slot& s : slots_) {
      // Constant time in the key's bytes: which key was used lately is nobody's business.
      if (s.remembered && s.length == key.size() &&
          CRYPTO_memcmp(s.key.data(), key.empty() ? s.key.data() : key.data(), key.size()) == 0) {
        s.used = clock_;
        if (EVP_MAC_init(s.ctx.get(), nullptr, 0, nullptr) != 1) fail();
        return s.ctx.get();
      }
    }
    Slot& s = *std::min_element(slots_.begin(), slots_.end(),
                                [](const Slot& x, const Slot& y) { return x.used < y.used; });
    // A zero-length key is legal HMAC; give OpenSSL a valid pointer so it does not read it as
    // "no key supplied" (which would keep the slot's previous key).
    static const uint8_t kEmpty = 0;
    if (EVP_MAC_init(s.ctx.get(), key.empty() ? &kEmpty : key.data(), key.size(), nullptr) != 1) {
      fail();
    }
    s.used = clock_;
    s.remembered = key.size() <= s.key.size();
    s.length = key.size();
    OPENSSL_cleanse(s.key.data(), s.key.size());
    if (s.remembered && !key.empty()) std::copy(key.begin(), key.end(), s.key.begin());
    return s.ctx.get();
  }

 private:
  struct Slot {
    MacCtx ctx;
    std::array<uint8_t, 64> key{};  // a longer key is used, not remembered
    size_t length = 0;
    bool remembered = false;
    uint64_t used = 0;
  };
  std::array<Slot, 4> slots_;
  uint64_t clock_ = 0;
};

template <size_t N>
std::array<uint8_t, N> hmac(KeyedContexts& contexts, std::span<const uint8_t> key,
                            std::span<const std::span<const uint8_t>> parts) {
  EVP_MAC_CTX* ctx = contexts.with_key(key);
  for (const auto& p : parts) {
    if (!p.empty() && EVP_MAC_update(ctx, p.data(), p.size()) != 1) fail();
  }
  std::array<uint8_t, N> out{};
  size_t out_len = 0;
  if (EVP_MAC_final(ctx, out.data(), &out_len, out.size()) != 1 || out_len != N) fail();
  return out;
}

KeyedContexts& hmac_sha1_contexts() {
  thread_local KeyedContexts contexts("SHA1");
  return contexts;
}

KeyedContexts& hmac_sha256_contexts() {
  thread_local KeyedContexts contexts("SHA256");
  return contexts;
}

EVP_MD* fetch_digest(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) fail();
  return md;
}

EVP_MD_CTX* digest_ctx() {
  struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  thread_local const std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx) fail();
  return ctx.get();
}

template <size_t N>
std::array<uint8_t, N> digest(const EVP_MD* md, std::span<const uint8_t> data) {
  EVP_MD_CTX* ctx = digest_ctx();
  std::array<uint8_t, N> out{};
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(ctx, md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out.data(), &len) != 1 || len != N) {
    fail();
  }
  return out;
}

constexpr std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr std::array<uint32_t, 256> kCrcTable = make_crc_table();

constexpr bool is_b64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

}  // namespace

Sha1Digest hmac_sha1(std::span<const uint8_t> key, std::span<const uint8_t> data) {
  const std::span<const uint8_t> parts[] = {data};
  return hmac<20>(hmac_sha1_contexts(), key, parts);
}

Sha256Digest hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> data) {
  const std::span<const uint8_t> parts[] = {data};
  return hmac<32>(hmac_sha256_contexts(), key, parts);
}

Sha1Digest hmac_sha1_parts(std::span<const uint8_t> key,
                           std::span<const std::span<const uint8_t>> parts) {
  return hmac<20>(hmac_sha1_contexts(), key, parts);
}

Sha256Digest hmac_sha256_parts(std::span<const uint8_t> key,
                               std::span<const std::span<const uint8_t>> parts) {
  return hmac<32>(hmac_sha256_contexts(), key, parts);
}

Md5Digest md5(std::span<const uint8_t> data) {
  static EVP_MD* const md = fetch_digest("MD5");
  return digest<16>(md, data);
}

Sha256Digest sha256(std::span<const uint8_t> data) {
  static EVP_MD* const md = fetch_digest("SHA256");
  return digest<32>(md, data);
}

uint32_t crc32(std::span<const uint8_t> data) {
  uint32_t c = 0xFFFFFFFFU;
  for (uint8_t b : data) c = kCrcTable[(c ^ b) & 0xFFU] ^ (c >> 8);
  return c ^ 0xFFFFFFFFU;
}

void random_bytes(std::span<uint8_t> out) {
  // RAND_bytes takes an int length; feed large requests in chunks.
  size_t done = 0;
  while (done < out.size()) {
    const size_t n = std::min<size_t>(out.size() - done, 1U << 20);
    if (RAND_bytes(out.data() + done, static_cast<int>(n)) != 1) fail();
    done += n;
  }
}

uint32_t random_u32() {
  std::array<uint8_t, 4> b{};
  random_bytes(b);
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

bool equal_ct(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string base64_encode(std::span<const uint8_t> data) {
  if (data.empty()) return {};
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  // EVP_EncodeBlock takes int lengths and writes a trailing NUL: encode in 3-byte-aligned
  // chunks into a buffer with room for it.
  size_t in = 0;
  size_t pos = 0;
  constexpr size_t kChunk = 3 * 1024;
  std::array<unsigned char, 4 * (kChunk / 3) + 1> tmp{};
  while (in < data.size()) {
    const size_t n = std::min(kChunk, data.size() - in);
    const int w = EVP_EncodeBlock(tmp.data(), data.data() + in, static_cast<int>(n));
    if (w < 0) fail();
    out.replace(pos, static_cast<size_t>(w), reinterpret_cast<const char*>(tmp.data()),
                static_cast<size_t>(w));
    pos += static_cast<size_t>(w);
    in += n;
  }
  return out;
}

std::optional<std::vector<uint8_t>> base64_decode(std::string_view text) {
  // Strict RFC 4648 §4: length a multiple of 4, alphabet only, '=' only as the last one or
  // two characters. EVP_DecodeBlock alone would skip whitespace and count padding as zeros.
  if (text.size() % 4 != 0) return std::nullopt;
  if (text.empty()) return std::vector<uint8_t>{};
  size_t pad = 0;
  if (text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
  for (size_t i = 0; i < text.size() - pad; ++i) {
    if (!is_b64_char(text[i])) return std::nullopt;
  }
  if (text.size() > static_cast<size_t>(INT32_MAX)) return std::nullopt;
  std::vector<uint8_t> out(text.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0 || static_cast<size_t>(n) != out.size()) return std::nullopt;
  out.resize(out.size() - pad);
  return out;
}

std::string hex(std::span<const uint8_t> data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (uint8_t b : data) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0F]);
  }
  return out;
}

}  // namespace avedge::crypto

// libFuzzer target: decoding pool credential usernames (any USERNAME a client sends reaches it).
// A decoded username re-issued with the same fields must decode to the same fields.
#include <cstdint>
#include <string_view>

#include "auth/pool_credentials.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto info = avedge::auth::decode_pool_username(text);
  if (!info) return 0;
  const avedge::auth::PoolKey key{info->key_id, "0123456789abcdef0123456789abcdef"};
  const auto issued = avedge::auth::issue_pool_credential(info->pool, key, info->identity,
                                                          info->expiry - 60, avedge::Seconds{60});
  if (issued.username.empty()) return 0;  // fields outside what we would issue
  const auto again = avedge::auth::decode_pool_username(issued.username);
  if (!again || again->pool != info->pool || again->key_id != info->key_id ||
      again->identity != info->identity || again->expiry != info->expiry) {
    __builtin_trap();
  }
  return 0;
}

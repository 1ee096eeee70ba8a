#include "config/dev_credentials.hpp"

#include <array>

#include "core/crypto.hpp"

namespace avedge::config {

namespace {
std::string random_hex(size_t bytes) {
  std::array<uint8_t, 32> buf{};
  const std::span<uint8_t> s(buf.data(), bytes < buf.size() ? bytes : buf.size());
  crypto::random_bytes(s);  // CSPRNG (OpenSSL)
  return crypto::hex(s);
}
}  // namespace

DevCredentials add_dev_credentials(Config& cfg) {
  DevCredentials out;
  if (!cfg.dev_credentials.value) return out;
  const SourcePos where{"generated (dev_credentials)", 0};
  if (cfg.secrets.empty()) {
    cfg.secrets.push_back({random_hex(32), where});
    out.secret_generated = true;
  }
  if (cfg.users.empty()) {
    cfg.users.push_back(StaticUser{"dev", random_hex(12), where});
    out.user_generated = true;
  }
  // The pool this process serves gets a key, so MRAS can issue credentials it validates.
  for (auto& pool : cfg.topology.edge_pools) {
    if (pool.name.value != cfg.topology.this_pool.value || !pool.secrets.empty()) continue;
    pool.secrets.push_back(PoolSecret{{"dev", where}, {random_hex(32), where}});
    out.pool_key_generated = true;
  }
  // One front end of that pool gets an API key for MRAS over HTTP.
  for (auto& fe : cfg.topology.frontend_pools) {
    if (fe.edge_pool.value != cfg.topology.this_pool.value || !fe.api_key.value.empty()) continue;
    fe.api_key = {random_hex(24), where};
    out.api_key_frontend = fe.name.value;
    out.api_key = fe.api_key.value;
    break;
  }
  return out;
}

}  // namespace avedge::config

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
  return out;
}

}  // namespace avedge::config

// What `avedge serve` prints on stdout once it listens: listeners, relay range, realm, the dev
// credentials when generated, and a ready-to-paste WebRTC iceServers snippet.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/dev_credentials.hpp"

namespace avedge::cli {

struct BannerInput {
  const config::Config* cfg = nullptr;
  std::vector<config::Listener> bound;
  config::DevCredentials dev;
  std::optional<std::string> generated_cert;
  unsigned workers = 1;
};

std::string make_banner(const BannerInput& in);
// "turn:127.0.0.1:3478?transport=udp", ... for every listener (turns: for TLS).
std::vector<std::string> ice_urls(const std::vector<config::Listener>& bound,
                                  const config::Config& cfg);

}  // namespace avedge::cli

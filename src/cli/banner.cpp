#include "cli/banner.hpp"

#include <chrono>

#include <fmt/format.h>

#include "config/runtime.hpp"

namespace avedge::cli {

namespace {

constexpr int64_t kDevCredentialLifetime = 24 * 3600;

// The address a client should use: the listener's own, or the relay address of its family
// when the listener is on a wildcard address.
std::string host_for(const config::Listener& l, const config::Config& cfg) {
  IpAddress ip = l.endpoint.ip;
  if (ip.is_unspecified()) {
    if (auto r = cfg.relay_ip(ip.family)) ip = *r;
  }
  return ip.is_v4() ? ip.to_string() : fmt::format("[{}]", ip.to_string());
}

}  // namespace

std::vector<std::string> ice_urls(const std::vector<config::Listener>& bound,
                                  const config::Config& cfg) {
  std::vector<std::string> urls;
  for (const auto& l : bound) {
    const std::string hp = fmt::format("{}:{}", host_for(l, cfg), l.endpoint.port);
    switch (l.kind) {
      case config::ListenerKind::Udp:
        urls.push_back(fmt::format("turn:{}?transport=udp", hp));
        break;
      case config::ListenerKind::Tcp:
        urls.push_back(fmt::format("turn:{}?transport=tcp", hp));
        break;
      case config::ListenerKind::Tls:
        urls.push_back(fmt::format("turns:{}?transport=tcp", hp));
        break;
      case config::ListenerKind::TcpTls:
        urls.push_back(fmt::format("turn:{}?transport=tcp", hp));
        urls.push_back(fmt::format("turns:{}?transport=tcp", hp));
        break;
    }
  }
  return urls;
}

std::string make_banner(const BannerInput& in) {
  const config::Config& cfg = *in.cfg;
  std::string out = fmt::format("avedge: realm \"{}\", {} worker{}\n", cfg.realm.value, in.workers,
                                in.workers == 1 ? "" : "s");
  for (const auto& l : in.bound) out += fmt::format("  listen  {}\n", l.url());
  std::string relays;
  for (const auto& ip : cfg.relay_ips) {
    relays += fmt::format("{}{}", relays.empty() ? "" : ", ", ip.value.to_string());
  }
  out += fmt::format("  relay   {} ports {}\n", relays, cfg.relay_ports.value.to_string());
  out += fmt::format("  peers   deny {}{}\n", cfg.peers.recommended.value ? "recommended" : "none",
                     cfg.peers.allow.empty() ? "" : " (with allow list)");
  if (cfg.fast_path.value == "tc") {
    std::string names;
    for (const auto& n : cfg.fast_path_interfaces) {
      names += fmt::format("{}{}", names.empty() ? "" : ", ", n.value);
    }
    out += fmt::format("  fast    channel-bound UDP relayed in the kernel (tc) on {}\n", names);
  }
  if (in.generated_cert) {
    out += fmt::format("  tls     self-signed certificate (generated): {}\n", *in.generated_cert);
  } else if (cfg.has_tls_listener()) {
    out += fmt::format("  tls     certificate: {}\n", cfg.tls.cert.value);
  }

  // Credentials for the snippet: only ones generated at this start are ever printed.
  std::string username = "<username>";
  std::string credential = "<password>";
  std::optional<std::pair<std::string, std::string>> uclient_user;
  if (in.dev.secret_generated || in.dev.user_generated) {
    out += "development credentials (dev_credentials = true; new at every start):\n";
  }
  if (in.dev.secret_generated) {
    const std::string& secret = cfg.secrets.front().value;
    out += fmt::format("  REST secret: {}\n", secret);
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto c = config::make_rest_credential(secret, "webrtc", now + kDevCredentialLifetime);
    username = c.username;
    credential = c.password;
    uclient_user = {c.username, c.password};
  }
  if (in.dev.user_generated) {
    const auto& u = cfg.users.front();
    out += fmt::format("  user:        {} / {}\n", u.name, u.password);
    uclient_user = {u.name, u.password};
  }

  const auto urls = ice_urls(in.bound, cfg);
  std::string list;
  for (const auto& u : urls) list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", u);
  out += fmt::format(
      "WebRTC (credential valid 24 h):\n  iceServers: [{{ urls: [{}], username: \"{}\", "
      "credential: \"{}\" }}]\n",
      list, username, credential);
  for (const auto& l : in.bound) {
    if (l.kind != config::ListenerKind::Udp) continue;
    out += fmt::format(
        "turnutils_uclient (coturn):\n  turnutils_uclient -y -n 10 -m 1 -u {} -w {} -p {} {}\n",
        uclient_user ? uclient_user->first : "<username>",
        uclient_user ? uclient_user->second : "<password>", l.endpoint.port, host_for(l, cfg));
    break;
  }
  return out;
}

}  // namespace avedge::cli

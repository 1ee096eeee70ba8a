// Building and sending responses (RFC 8489 §6.3, §14.5-§14.8).
#include "turn/server_impl.hpp"

namespace avedge::turn {

stun::Builder Server::Impl::begin(const stun::Message& req, stun::Class cls) {
  return stun::Builder(out, req.method, cls, req.tid);
}

void Server::Impl::finish(stun::Builder& b, const ClientTuple& to, const stun::Message& req,
                          const AuthContext* ctx) {
  if (cfg.software) b.add_string(stun::attr::Software, cfg.software_name);
  if (ctx != nullptr) {
    // RFC 8489 §9.2.4: the response is protected with the key the request proved, using the
    // same integrity attribute the request used.
    const auto& key = ctx->sha256_key ? std::span<const uint8_t>(ctx->key.sha256)
                                      : std::span<const uint8_t>(ctx->key.md5);
    if (ctx->sha256_integrity) {
      b.add_message_integrity_sha256(key);
    } else {
      b.add_message_integrity(key);
    }
  }
  // RFC 8489 §14.7: answer with FINGERPRINT when the request carried one.
  if (req.fingerprint != nullptr) b.add_fingerprint();
  if (b.ok()) io.send_to_client(to, b.bytes());
}

bool Server::Impl::admit_unauthenticated(const ClientTuple& to) {
  if (to.transport != Transport::Udp || limiter.allow(to.client.ip, packet_time)) return true;
  emit(Event::DropRateLimited, &to);
  return false;
}

void Server::Impl::send_error(const ClientTuple& to, const stun::Message& req, uint16_t code,
                              const AuthContext* ctx) {
  if (ctx == nullptr && !admit_unauthenticated(to)) return;
  auto b = begin(req, stun::Class::Error);
  // Unauthenticated answers carry no reason phrase: smaller replies to spoofed sources
  // (SECURITY.md §2.3). Authenticated ones explain themselves.
  b.add_error_code(code, ctx != nullptr ? stun::error::default_reason(code) : "");
  finish(b, to, req, ctx);
}

void Server::Impl::send_unknown_attributes(const ClientTuple& to, const stun::Message& req,
                                           std::span<const uint16_t> unknown,
                                           const AuthContext* ctx) {
  if (ctx == nullptr && !admit_unauthenticated(to)) return;
  auto b = begin(req, stun::Class::Error);
  b.add_error_code(
      stun::error::UnknownAttribute,
      ctx != nullptr ? stun::error::default_reason(stun::error::UnknownAttribute) : "");
  b.add_unknown_attributes(unknown);
  finish(b, to, req, ctx);
}

}  // namespace avedge::turn

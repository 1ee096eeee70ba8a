// The long-term credential mechanism on the server side (RFC 8489 §9.2.4), applied to every
// TURN request, not only Allocate.
#include <algorithm>
#include <array>

#include "turn/pool_rejection.hpp"
#include "turn/server_impl.hpp"

namespace avedge::turn {
namespace {

// The PASSWORD-ALGORITHMS we offer, in order of preference (RFC 8489 §14.11).
std::span<const uint16_t> offered_algorithms(const ServerConfig& cfg) {
  static constexpr std::array<uint16_t, 2> kBoth{stun::kAlgSha256, stun::kAlgMd5};
  static constexpr std::array<uint16_t, 1> kMd5{stun::kAlgMd5};
  return cfg.sha256_integrity ? std::span<const uint16_t>(kBoth) : std::span<const uint16_t>(kMd5);
}

// The PASSWORD-ALGORITHMS attribute value we send: (alg, params length 0) pairs.
bool same_algorithm_list(const stun::Attribute& a, std::span<const uint16_t> offered) {
  if (a.value.size() != offered.size() * 4) return false;
  for (size_t i = 0; i < offered.size(); ++i) {
    const auto* p = a.value.data() + i * 4;
    const uint16_t alg = static_cast<uint16_t>((p[0] << 8) | p[1]);
    const uint16_t len = static_cast<uint16_t>((p[2] << 8) | p[3]);
    if (alg != offered[i] || len != 0) return false;
  }
  return true;
}

Event event_for(auth::LookupStatus s) {
  switch (s) {
    case auth::LookupStatus::Expired:
      return Event::AuthExpiredCredential;
    case auth::LookupStatus::ForeignPool:
      return Event::AuthForeignPool;
    case auth::LookupStatus::UnknownKeyId:
      return Event::AuthUnknownKeyId;
    default:
      return Event::AuthUnknownUser;
  }
}

}  // namespace

void Server::Impl::send_challenge(const ClientTuple& from, const stun::Message& m, uint16_t code,
                                  const Now& now, std::string_view reason) {
  if (!admit_unauthenticated(from)) return;
  auto b = begin(m, stun::Class::Error);
  b.add_error_code(code, reason);
  b.add_string(stun::attr::Realm, creds->realm());
  b.add_string(stun::attr::Nonce, nonces->issue(from.client, now.unix));
  b.add_password_algorithms(offered_algorithms(cfg));
  finish(b, from, m, nullptr);
}

std::optional<AuthContext> Server::Impl::authenticate(const ClientTuple& from,
                                                      const stun::Message& m, const Now& now) {
  const auto* mi = m.message_integrity;
  const auto* mi256 = m.message_integrity_sha256;
  if (mi == nullptr && mi256 == nullptr) {
    // RFC 8489 §9.2.4 first bullet: no integrity → 401 with REALM and NONCE.
    emit(Event::AuthMissing, &from);
    send_challenge(from, m, stun::error::Unauthenticated, now);
    return std::nullopt;
  }
  const auto* user_attr = m.find(stun::attr::Username);
  const auto* userhash_attr = m.find(stun::attr::Userhash);
  const auto* realm_attr = m.find(stun::attr::Realm);
  const auto* nonce_attr = m.find(stun::attr::Nonce);
  if ((user_attr == nullptr && userhash_attr == nullptr) || realm_attr == nullptr ||
      nonce_attr == nullptr) {
    // Second bullet: integrity without USERNAME/USERHASH, REALM or NONCE → 400.
    emit(Event::AuthBadRequest, &from);
    send_error(from, m, stun::error::BadRequest, nullptr);
    return std::nullopt;
  }
  const auto nonce = stun::decode_string(*nonce_attr);
  switch (nonces->check(nonce, from.client, now.unix)) {
    case auth::NonceCheck::Valid:
      break;
    case auth::NonceCheck::Stale:
      emit(Event::AuthStaleNonce, &from);
      send_challenge(from, m, stun::error::StaleNonce, now);
      return std::nullopt;
    case auth::NonceCheck::Invalid:
      // A nonce we did not issue to this address (NAT rebinding, forged): 438 lets an honest
      // client retry at once with the fresh nonce; a forger gains nothing.
      emit(Event::AuthInvalidNonce, &from);
      send_challenge(from, m, stun::error::StaleNonce, now);
      return std::nullopt;
  }

  AuthContext ctx;
  // Bid-down protection (RFC 8489 §9.2.4): with the password-algorithms bit in the nonce,
  // PASSWORD-ALGORITHMS must equal what we sent and PASSWORD-ALGORITHM must be one of them;
  // both absent means an RFC 5389 client and MD5.
  const auto* algs = m.find(stun::attr::PasswordAlgorithms);
  const auto* alg = m.find(stun::attr::PasswordAlgorithm);
  if (algs != nullptr || alg != nullptr) {
    const auto offered = offered_algorithms(cfg);
    const auto chosen = alg != nullptr ? stun::decode_password_algorithm(*alg) : std::nullopt;
    const bool ok = algs != nullptr && chosen && same_algorithm_list(*algs, offered) &&
                    std::find(offered.begin(), offered.end(), chosen->algorithm) != offered.end();
    if (!ok) {
      emit(Event::AuthBidDown, &from);
      send_error(from, m, stun::error::BadRequest, nullptr);
      return std::nullopt;
    }
    ctx.sha256_key = chosen->algorithm == stun::kAlgSha256;
  }

  if (user_attr != nullptr) {
    ctx.username = std::string(stun::decode_string(*user_attr));
  } else {
    auto name = creds->username_for_userhash(userhash_attr->value);
    if (!name) {
      emit(Event::AuthUnknownUser, &from, {}, "userhash");
      send_challenge(from, m, stun::error::Unauthenticated, now);
      return std::nullopt;
    }
    ctx.username = std::move(*name);
  }
  if (stun::decode_string(*realm_attr) != creds->realm()) {
    emit(Event::AuthWrongRealm, &from, ctx.username);
    send_challenge(from, m, stun::error::Unauthenticated, now);
    return std::nullopt;
  }

  auto found = creds->lookup(ctx.username, now.unix);
  if (found.status != auth::LookupStatus::Ok) {
    if (found.pool_info) {
      // A pool credential this edge cannot accept: still the RFC's answer, 401 with a fresh
      // nonce (RFC 8489 §9.2.4), but the event (and, opted in, the reason phrase) says which
      // pool issued it and what to check.
      const auto why =
          describe_pool_rejection(found.status, *found.pool_info, cfg.pool_name, now.unix);
      emit(event_for(found.status), &from, found.pool_info->identity, why.sentence);
      send_challenge(from, m, stun::error::Unauthenticated, now,
                     cfg.diagnostic_reasons ? std::string_view(why.reason_phrase) : "");
      return std::nullopt;
    }
    emit(event_for(found.status), &from, ctx.username, auth::to_string(found.status));
    send_challenge(from, m, stun::error::Unauthenticated, now);
    return std::nullopt;
  }
  ctx.sha256_integrity = mi256 != nullptr;
  for (const auto& key : found.keys) {
    const auto k =
        ctx.sha256_key ? std::span<const uint8_t>(key.sha256) : std::span<const uint8_t>(key.md5);
    const bool good = ctx.sha256_integrity ? stun::verify_message_integrity_sha256(m, k)
                                           : stun::verify_message_integrity(m, k);
    if (good) {
      ctx.key = key;
      return ctx;
    }
  }
  if (found.pool_info) {
    // The username decodes and names a key we hold, but the HMAC does not match.
    const std::string detail =
        "password does not match " + found.pool_info->pool + " key " + found.pool_info->key_id;
    emit(Event::AuthBadIntegrity, &from, found.pool_info->identity, detail);
  } else {
    emit(Event::AuthBadIntegrity, &from, ctx.username);
  }
  send_challenge(from, m, stun::error::Unauthenticated, now);
  return std::nullopt;
}

}  // namespace avedge::turn

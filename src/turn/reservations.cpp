#include "turn/reservations.hpp"

#include <algorithm>

#include "core/crypto.hpp"

namespace avedge::turn {

Reservations::Reservations(Seconds lifetime) : lifetime_(lifetime) {}

void Reservations::expire_locked(TimePoint now) {
  std::erase_if(entries_, [&](const Entry& e) { return e.expires <= now; });
}

ReservationToken Reservations::add(const Endpoint& relay, TimePoint now) {
  ReservationToken token{};
  crypto::random_bytes(token);  // unguessable: a token is a capability (RFC 8656 §7.2)
  std::lock_guard lock(mu_);
  expire_locked(now);
  entries_.push_back({token, relay, now + lifetime_});
  return token;
}

std::optional<Endpoint> Reservations::take(const ReservationToken& token, TimePoint now) {
  std::lock_guard lock(mu_);
  expire_locked(now);
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return crypto::equal_ct(e.token, token); });
  if (it == entries_.end()) return std::nullopt;
  Endpoint relay = it->relay;
  entries_.erase(it);
  return relay;
}

bool Reservations::held(const Endpoint& relay, TimePoint now) const {
  std::lock_guard lock(mu_);
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return e.relay == relay && e.expires > now; });
}

size_t Reservations::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace avedge::turn

#include "turn/quota.hpp"

namespace avedge::turn {

namespace {

// Map key for a client IP: family byte followed by the address bytes.
std::string ip_key(const IpAddress& ip) {
  std::string k(1, static_cast<char>(ip.family));
  k.append(reinterpret_cast<const char*>(ip.bytes.data()), ip.size());  // NOLINT
  return k;
}

bool over(size_t limit, size_t used) {
  return limit != 0 && used >= limit;
}

// Returns false when there was nothing to release.
bool decrement(std::unordered_map<std::string, size_t>& m, const std::string& key) {
  auto it = m.find(key);
  if (it == m.end()) return false;
  if (it->second <= 1) {
    m.erase(it);
  } else {
    --it->second;
  }
  return true;
}

}  // namespace

QuotaTracker::QuotaTracker(size_t total, size_t per_user, size_t per_ip)
    : limit_total_(total), limit_user_(per_user), limit_ip_(per_ip) {}

QuotaResult QuotaTracker::acquire(std::string_view user, const IpAddress& ip) {
  std::lock_guard lock(mu_);
  if (over(limit_total_, total_)) return QuotaResult::Total;
  const std::string ukey(user);
  const std::string ikey = ip_key(ip);
  if (auto it = users_.find(ukey); it != users_.end() && over(limit_user_, it->second)) {
    return QuotaResult::User;
  }
  if (auto it = ips_.find(ikey); it != ips_.end() && over(limit_ip_, it->second)) {
    return QuotaResult::Ip;
  }
  // A limit of 1 with no entry yet is fine; a limit of 0 is unlimited.
  ++total_;
  ++users_[ukey];
  ++ips_[ikey];
  return QuotaResult::Ok;
}

void QuotaTracker::release(std::string_view user, const IpAddress& ip) {
  std::lock_guard lock(mu_);
  // Never underflows, and zero entries are erased. Every acquire added exactly one user
  // entry, so a release for a user with none is spurious and leaves the total alone.
  const bool had_user = decrement(users_, std::string(user));
  decrement(ips_, ip_key(ip));
  if (had_user && total_ > 0) --total_;
}

size_t QuotaTracker::total() const {
  std::lock_guard lock(mu_);
  return total_;
}

void QuotaTracker::set_limits(size_t total, size_t per_user, size_t per_ip) {
  std::lock_guard lock(mu_);
  limit_total_ = total;
  limit_user_ = per_user;
  limit_ip_ = per_ip;
}

}  // namespace avedge::turn

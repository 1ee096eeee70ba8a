// Allocation quotas shared by every worker: total, per user, per client IP (RFC 8656 §7.2
// step 10). Touched only when an allocation starts or ends, never per packet.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/address.hpp"

namespace avedge::turn {

enum class QuotaResult : uint8_t { Ok, User, Ip, Total };

class QuotaTracker {
 public:
  QuotaTracker(size_t total, size_t per_user, size_t per_ip);
  // Reserves one allocation; nothing is changed unless Ok.
  QuotaResult acquire(std::string_view user, const IpAddress& ip);
  void release(std::string_view user, const IpAddress& ip);
  size_t total() const;
  void set_limits(size_t total, size_t per_user, size_t per_ip);

 private:
  mutable std::mutex mu_;
  size_t limit_total_, limit_user_, limit_ip_;
  size_t total_ = 0;
  std::unordered_map<std::string, size_t> users_;
  std::unordered_map<std::string, size_t> ips_;
};

}  // namespace avedge::turn

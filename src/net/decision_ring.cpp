#include "net/decision_ring.hpp"

#include <algorithm>
#include <cstring>

namespace avedge::net {

namespace {

template <size_t N>
uint8_t copy_into(std::array<char, N>& to, std::string_view from) {
  const size_t n = std::min(from.size(), N);
  if (n > 0) std::memcpy(to.data(), from.data(), n);  // an empty view may hold nullptr
  return static_cast<uint8_t>(n);
}

}  // namespace

void DecisionRing::record(const turn::EventInfo& e, double unix_now) {
  if (e.username.empty()) return;
  Slot& s = slots_[next_];
  s.time = unix_now;
  s.event = e.event;
  s.has_tuple = e.tuple != nullptr;
  if (e.tuple != nullptr) {
    s.transport = e.tuple->transport;
    s.client = e.tuple->client;
  }
  s.user_len = copy_into(s.user, e.username);
  s.detail_len = copy_into(s.detail, e.detail);
  next_ = (next_ + 1) % kSize;
  used_ = std::min(used_ + 1, kSize);
}

std::vector<Decision> DecisionRing::for_user(std::string_view user, size_t max) const {
  std::vector<Decision> out;
  const std::string_view key = user.substr(0, kUserBytes);
  for (size_t k = 0; k < used_ && out.size() < max; ++k) {
    const Slot& s = slots_[(next_ + kSize - 1 - k) % kSize];
    if (std::string_view(s.user.data(), s.user_len) != key) continue;
    Decision d;
    d.time = s.time;
    d.event = s.event;
    d.has_tuple = s.has_tuple;
    d.transport = s.transport;
    d.client = s.client;
    d.user.assign(s.user.data(), s.user_len);
    d.detail.assign(s.detail.data(), s.detail_len);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace avedge::net

#include "net/connection_limits.hpp"

#include "core/crypto.hpp"
#include "turn/challenge_limiter.hpp"

namespace avedge::net {

const char* to_string(StreamClose why) {
  switch (why) {
    case StreamClose::LimitTotal:
      return "limit_total";
    case StreamClose::LimitPerIp:
      return "limit_per_ip";
    case StreamClose::TlsHandshake:
      return "tls_handshake_timeout";
    case StreamClose::FirstFrame:
      return "first_frame_timeout";
    case StreamClose::Idle:
      return "idle";
    case StreamClose::Oversize:
      return "oversize";
    case StreamClose::InvalidFrame:
      return "invalid_frame";
    case StreamClose::WriteQueue:
      return "write_queue_full";
  }
  return "unknown";
}

ConnectionTicket& ConnectionTicket::operator=(ConnectionTicket&& o) noexcept {
  if (this != &o) {
    release();
    owner_ = o.owner_;
    slot_ = o.slot_;
    o.owner_ = nullptr;
  }
  return *this;
}

void ConnectionTicket::release() {
  if (owner_ != nullptr) owner_->give_back(slot_);
  owner_ = nullptr;
}

ConnectionLimits::ConnectionLimits(uint64_t total, uint64_t per_ip)
    : total_(total),
      per_ip_(per_ip),
      k0_((uint64_t{crypto::random_u32()} << 32) | crypto::random_u32()),
      k1_((uint64_t{crypto::random_u32()} << 32) | crypto::random_u32()),
      per_slot_(std::make_unique<std::atomic<uint32_t>[]>(kSlots)) {}

size_t ConnectionLimits::slot_of(const IpAddress& ip) const {
  return turn::siphash24(k0_, k1_, ip.bytes.data(), ip.size()) % kSlots;
}

ConnectionTicket ConnectionLimits::admit(const IpAddress& ip) {
  // Reserve first, check after, undo when over: never more than the limit at any instant,
  // from any number of workers.
  if (open_.fetch_add(1, kRelaxed) >= total_) {
    open_.fetch_sub(1, kRelaxed);
    count_close(StreamClose::LimitTotal);
    return {};
  }
  const size_t slot = slot_of(ip);
  if (per_slot_[slot].fetch_add(1, kRelaxed) >= per_ip_) {
    per_slot_[slot].fetch_sub(1, kRelaxed);
    open_.fetch_sub(1, kRelaxed);
    count_close(StreamClose::LimitPerIp);
    return {};
  }
  return ConnectionTicket(this, slot);
}

void ConnectionLimits::give_back(size_t slot) {
  per_slot_[slot].fetch_sub(1, kRelaxed);
  open_.fetch_sub(1, kRelaxed);
}

}  // namespace avedge::net

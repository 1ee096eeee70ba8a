// Limits on TCP and TLS connections, shared by every worker (issue 6 item 4; SECURITY.md §2):
// a total and a per-source-IP count. Over a limit the acceptor closes the connection at once.
// Per-IP counts live in a fixed table indexed by a keyed hash (SipHash-2-4) of the address:
// bounded memory, no allocation per source; two addresses sharing a slot share its count (so
// a collision can only refuse early, never admit more than per_ip from one address).
// Also holds the counters of streams closed by a limit. Thread-safe (atomics).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/address.hpp"

namespace avedge::net {

enum class StreamClose : uint8_t {
  LimitTotal,    // over [limits] connections_total
  LimitPerIp,    // over [limits] connections_per_ip
  TlsHandshake,  // no TLS handshake within kTlsHandshakeDeadline
  FirstFrame,    // no whole frame within kFirstFrameDeadline
  Idle,          // no frame for [limits] idle_timeout and no allocation
  Oversize,      // a frame longer than [limits] max_message_size
  InvalidFrame,  // neither STUN nor ChannelData: the stream cannot be resynchronised
  WriteQueue,    // the client does not read its answers
};
constexpr size_t kStreamCloseReasons = 8;
const char* to_string(StreamClose why);  // "limit_total", "idle", ...

class ConnectionLimits;

// One admitted connection; gives its place back when destroyed. Move-only.
class ConnectionTicket {
 public:
  ConnectionTicket() = default;
  ConnectionTicket(ConnectionLimits* owner, size_t slot) : owner_(owner), slot_(slot) {}
  ConnectionTicket(ConnectionTicket&& o) noexcept : owner_(o.owner_), slot_(o.slot_) {
    o.owner_ = nullptr;
  }
  ConnectionTicket& operator=(ConnectionTicket&& o) noexcept;
  ConnectionTicket(const ConnectionTicket&) = delete;
  ConnectionTicket& operator=(const ConnectionTicket&) = delete;
  ~ConnectionTicket() { release(); }
  void release();
  [[nodiscard]] bool valid() const { return owner_ != nullptr; }

 private:
  ConnectionLimits* owner_ = nullptr;
  size_t slot_ = 0;
};

class ConnectionLimits {
 public:
  static constexpr size_t kSlots = 16384;

  ConnectionLimits(uint64_t total, uint64_t per_ip);
  ConnectionLimits(const ConnectionLimits&) = delete;
  ConnectionLimits& operator=(const ConnectionLimits&) = delete;

  // A ticket, or an invalid one (counted as LimitTotal or LimitPerIp) when over a limit.
  ConnectionTicket admit(const IpAddress& ip);
  void count_close(StreamClose why) { closes_[static_cast<size_t>(why)].fetch_add(1, kRelaxed); }

  [[nodiscard]] uint64_t open() const { return open_.load(kRelaxed); }
  [[nodiscard]] uint64_t closes(StreamClose why) const {
    return closes_[static_cast<size_t>(why)].load(kRelaxed);
  }
  [[nodiscard]] size_t slot_of(const IpAddress& ip) const;

 private:
  friend class ConnectionTicket;
  static constexpr auto kRelaxed = std::memory_order_relaxed;
  void give_back(size_t slot);

  uint64_t total_;
  uint64_t per_ip_;
  uint64_t k0_;
  uint64_t k1_;
  std::atomic<uint64_t> open_{0};
  std::array<std::atomic<uint64_t>, kStreamCloseReasons> closes_{};
  std::unique_ptr<std::atomic<uint32_t>[]> per_slot_;
};

}  // namespace avedge::net

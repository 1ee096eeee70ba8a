// Preallocated buffers for recvmmsg: one per worker, shared by all its UDP sockets (a worker
// is one thread and drains one socket at a time). No heap allocation per packet.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/address.hpp"

namespace avedge::net {

class RecvBatch {
 public:
  static constexpr size_t kCount = 32;
  static constexpr size_t kSlot = 65536;  // the largest UDP payload fits: no truncation

  RecvBatch();
  RecvBatch(const RecvBatch&) = delete;
  RecvBatch& operator=(const RecvBatch&) = delete;

  // One recvmmsg(MSG_DONTWAIT). Returns the number of datagrams (0 when none is waiting,
  // -1 on another error).
  int receive(int fd);
  [[nodiscard]] std::span<const uint8_t> data(size_t i) const {
    return {storage_.data() + i * kSlot, msgs_[i].msg_len};
  }
  [[nodiscard]] const sockaddr* from(size_t i) const {
    return reinterpret_cast<const sockaddr*>(&addrs_[i]);
  }
  [[nodiscard]] bool truncated(size_t i) const {
    return (msgs_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
  }
  // The destination address of datagram i from IP_PKTINFO / IPV6_PKTINFO, when the socket
  // asked for it (wildcard listeners).
  [[nodiscard]] std::optional<IpAddress> destination(size_t i) const;

 private:
  std::vector<uint8_t> storage_;
  std::array<mmsghdr, kCount> msgs_{};
  std::array<iovec, kCount> iov_{};
  std::array<sockaddr_storage, kCount> addrs_{};
  static constexpr size_t kControl = 64;  // room for one in6_pktinfo control message
  alignas(8) std::array<std::array<uint8_t, kControl>, kCount> control_{};
};

}  // namespace avedge::net

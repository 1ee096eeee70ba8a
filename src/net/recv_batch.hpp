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

// What the control messages of one received datagram say, read in one pass (CMSG_ macros take
// a non-const header). Shared by recvmmsg and io_uring receives.
struct ReceivedControl {
  std::optional<IpAddress> destination;    // IP_PKTINFO / IPV6_PKTINFO
  std::optional<uint32_t> rx_queue_drops;  // the socket's running total, SO_RXQ_OVFL
};
ReceivedControl read_control(msghdr& h);

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
  // The socket's running total of receive-queue drops from SO_RXQ_OVFL, when the socket asked
  // for it and the kernel attached it to datagram i.
  [[nodiscard]] std::optional<uint32_t> rx_queue_drops(size_t i) const;
  // Of a batch of n: the latest running total (the last datagram that carries one).
  [[nodiscard]] std::optional<uint32_t> rx_queue_drops_of_batch(size_t n) const;

 private:
  std::vector<uint8_t> storage_;
  std::array<mmsghdr, kCount> msgs_{};
  std::array<iovec, kCount> iov_{};
  std::array<sockaddr_storage, kCount> addrs_{};
  // Room for an in6_pktinfo and an SO_RXQ_OVFL control message.
  static constexpr size_t kControl = 128;
  alignas(8) std::array<std::array<uint8_t, kControl>, kCount> control_{};
};

}  // namespace avedge::net

// The outgoing UDP datagrams of one worker, sent in batches (issue 7). The worker queues every
// datagram it relays or answers during one turn of its event loop and sends them all at the
// end of the turn: a run of datagrams on one socket (ChannelData toward clients, which all
// leave through the listening socket) goes out in one sendmmsg; datagrams spread over many
// relay sockets (toward peers) go out in one io_uring submission when the kernel has io_uring,
// else one sendmsg each. No heap allocation per datagram: the bytes are copied into a
// preallocated arena. With UDP GSO (UDP_SEGMENT, Linux 4.18), queued datagrams of one flow
// (socket, destination, source) of equal size go down the stack in one send and are cut into
// ordinary datagrams at the bottom (decision 0010); receivers see no difference.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/address.hpp"

namespace avedge::net {

class UringSender;

class SendQueue {
 public:
  static constexpr size_t kMaxDatagrams = 64;
  static constexpr size_t kArenaBytes = size_t{256} << 10;

  SendQueue();
  ~SendQueue();
  SendQueue(const SendQueue&) = delete;
  SendQueue& operator=(const SendQueue&) = delete;

  // Queues a copy of `bytes` for `fd` toward `to`. `source`: the address to send from on a
  // wildcard socket (IP_PKTINFO / IPV6_PKTINFO), or null. Sends what is queued first when the
  // queue is full.
  void push(int fd, const Endpoint& to, std::span<const uint8_t> bytes,
            const IpAddress* source = nullptr);
  // Sends everything queued. Returns the datagrams the kernel refused for a full send buffer
  // (dropped, as the network would drop them).
  uint64_t flush();
  [[nodiscard]] bool empty() const { return count_ == 0; }
  // From now on, datagrams spread over several sockets go out in one io_uring submission.
  // Call it on the thread that flushes: the ring belongs to the thread that creates it.
  // False where io_uring is not to be had (then one sendmmsg per socket).
  bool use_uring();
  [[nodiscard]] bool uses_uring() const { return uring_ != nullptr; }
  // Whether datagrams of one flow are coalesced into UDP GSO sends (on unless AVEDGE_GSO=0;
  // off for good after the kernel refused GSO sends that went through one by one).
  [[nodiscard]] bool uses_gso() const { return gso_; }
  // Datagrams sent in GSO units of two or more, since construction.
  [[nodiscard]] uint64_t coalesced() const { return coalesced_; }

  // One GSO send: segments of at most this size (an IPv6 datagram in a 1500-byte MTU), at most
  // this many, at most this many bytes (a UDP datagram's length field).
  static constexpr size_t kMaxSegmentBytes = 1452;
  static constexpr size_t kMaxSegments = 64;
  static constexpr size_t kMaxGsoBytes = 65000;
  // GSO sends refused while the same datagrams went through one by one: then GSO is off.
  static constexpr unsigned kGsoRefusalsBeforeOff = 4;

 private:
  struct Entry {
    int fd;
    size_t offset;
    size_t size;
    socklen_t to_len;
    size_t control_len;
    uint64_t flow;  // hash of fd, destination and source: a cheap first test of same_flow
  };
  // A unit is what one sendmsg sends: one datagram, or a GSO run of one flow.
  struct Unit {
    size_t start;  // its datagrams are members_[start, start + count)
    size_t count;
  };
  [[nodiscard]] bool same_flow(size_t a, size_t b) const;
  size_t build_units();
  void compose_unit(size_t u, size_t start, size_t count, size_t segment);
  uint64_t send_units_from(size_t first);
  uint64_t send_mmsg(size_t first, size_t n);
  uint64_t unit_failed(size_t u, int err);
  void prepare(size_t i);
  std::vector<uint8_t> arena_;
  size_t used_ = 0;
  size_t count_ = 0;
  std::array<Entry, kMaxDatagrams> entries_{};
  std::array<sockaddr_storage, kMaxDatagrams> to_{};
  // The source (pktinfo) and, for the first datagram of a GSO unit, the segment size.
  static constexpr size_t kControl = CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(uint16_t));
  alignas(cmsghdr) std::array<std::array<uint8_t, kControl>, kMaxDatagrams> control_{};
  std::array<iovec, kMaxDatagrams> iov_{};
  std::array<mmsghdr, kMaxDatagrams> msgs_{};  // one datagram each
  size_t units_ = 0;
  std::array<Unit, kMaxDatagrams> unit_{};
  std::array<size_t, kMaxDatagrams> members_{};
  std::array<iovec, kMaxDatagrams> unit_iov_{};
  std::array<mmsghdr, kMaxDatagrams> unit_msgs_{};
  bool gso_ = true;
  unsigned gso_refusals_ = 0;
  uint64_t coalesced_ = 0;
  std::unique_ptr<UringSender> uring_;
};

}  // namespace avedge::net

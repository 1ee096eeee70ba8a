// The outgoing UDP datagrams of one worker, sent in batches (issue 7). The worker queues every
// datagram it relays or answers during one turn of its event loop and sends them all at the
// end of the turn: a run of datagrams on one socket (ChannelData toward clients, which all
// leave through the listening socket) goes out in one sendmmsg; datagrams spread over many
// relay sockets (toward peers) go out in one io_uring submission when the kernel has io_uring,
// else one sendmsg each. No heap allocation per datagram: the bytes are copied into a
// preallocated arena.
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

 private:
  struct Entry {
    int fd;
    size_t offset;
    size_t size;
    socklen_t to_len;
    size_t control_len;
  };
  uint64_t send_runs_from(size_t first);
  uint64_t send_mmsg(size_t first, size_t n);
  void prepare(size_t i);

  std::vector<uint8_t> arena_;
  size_t used_ = 0;
  size_t count_ = 0;
  std::array<Entry, kMaxDatagrams> entries_{};
  std::array<sockaddr_storage, kMaxDatagrams> to_{};
  static constexpr size_t kControl = CMSG_SPACE(sizeof(in6_pktinfo));
  alignas(cmsghdr) std::array<std::array<uint8_t, kControl>, kMaxDatagrams> control_{};
  std::array<iovec, kMaxDatagrams> iov_{};
  std::array<mmsghdr, kMaxDatagrams> msgs_{};
  std::unique_ptr<UringSender> uring_;
};

}  // namespace avedge::net

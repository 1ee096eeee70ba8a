#include "net/recv_batch.hpp"

#include <netinet/in.h>

#include <cerrno>
#include <cstring>

namespace avedge::net {

RecvBatch::RecvBatch() : storage_(kCount * kSlot) {
  for (size_t i = 0; i < kCount; ++i) {
    iov_[i].iov_base = storage_.data() + i * kSlot;
    iov_[i].iov_len = kSlot;
    msgs_[i].msg_hdr.msg_iov = &iov_[i];
    msgs_[i].msg_hdr.msg_iovlen = 1;
    msgs_[i].msg_hdr.msg_name = &addrs_[i];
  }
}

int RecvBatch::receive(int fd) {
  for (size_t i = 0; i < kCount; ++i) {
    msgs_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    msgs_[i].msg_hdr.msg_flags = 0;
    msgs_[i].msg_hdr.msg_control = control_[i].data();
    msgs_[i].msg_hdr.msg_controllen = kControl;
    msgs_[i].msg_len = 0;
  }
  int n = 0;
  do {
    n = ::recvmmsg(fd, msgs_.data(), kCount, MSG_DONTWAIT, nullptr);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
  return n;
}

ReceivedControl read_control(msghdr& h) {
  ReceivedControl out;
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
      uint32_t total = 0;
      std::memcpy(&total, CMSG_DATA(c), sizeof total);
      out.rx_queue_drops = total;
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      out.destination = IpAddress::v4(ntohl(info.ipi_addr.s_addr));
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      std::array<uint8_t, 16> b{};
      std::memcpy(b.data(), &info.ipi6_addr, 16);
      out.destination = IpAddress::v6(b);
    }
  }
  return out;
}

std::optional<uint32_t> RecvBatch::rx_queue_drops(size_t i) const {
  return read_control(const_cast<msghdr&>(msgs_[i].msg_hdr)).rx_queue_drops;
}

std::optional<uint32_t> RecvBatch::rx_queue_drops_of_batch(size_t n) const {
  for (size_t i = n; i > 0; --i) {
    if (auto t = rx_queue_drops(i - 1)) return t;
  }
  return std::nullopt;
}

std::optional<IpAddress> RecvBatch::destination(size_t i) const {
  return read_control(const_cast<msghdr&>(msgs_[i].msg_hdr)).destination;
}

}  // namespace avedge::net

#include "net/recv_batch.hpp"

#include <cerrno>

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
    msgs_[i].msg_len = 0;
  }
  int n = 0;
  do {
    n = ::recvmmsg(fd, msgs_.data(), kCount, MSG_DONTWAIT, nullptr);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
  return n;
}

}  // namespace avedge::net

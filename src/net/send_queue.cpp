#include "net/send_queue.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "net/net_stats.hpp"
#include "net/uring_sender.hpp"

namespace avedge::net {

SendQueue::SendQueue() : arena_(kArenaBytes) {
  for (size_t i = 0; i < kMaxDatagrams; ++i) {
    msgs_[i].msg_hdr.msg_iov = &iov_[i];
    msgs_[i].msg_hdr.msg_iovlen = 1;
    msgs_[i].msg_hdr.msg_name = &to_[i];
  }
}

SendQueue::~SendQueue() = default;

bool SendQueue::use_uring() {
  // AVEDGE_URING=0: never (to compare, or where io_uring misbehaves).
  const char* env = std::getenv("AVEDGE_URING");
  if (env != nullptr && std::string_view(env) == "0") return false;
  if (!uring_) uring_ = UringSender::create(kMaxDatagrams);
  return uring_ != nullptr;
}

void SendQueue::push(int fd, const Endpoint& to, std::span<const uint8_t> bytes,
                     const IpAddress* source) {
  if (count_ == kMaxDatagrams || used_ + bytes.size() > arena_.size()) (void)flush();
  if (bytes.size() > arena_.size()) return;  // larger than any UDP datagram: cannot be sent
  Entry& e = entries_[count_];
  e.fd = fd;
  e.offset = used_;
  e.size = bytes.size();
  e.to_len = to.to_sockaddr(to_[count_]);
  e.control_len = 0;
  if (source != nullptr) {
    // The source address of a reply on a wildcard socket (RFC 8489 §6.3.1: a response comes
    // from the address the request was sent to).
    auto* control = control_[count_].data();
    msghdr h{};
    h.msg_control = control;
    if (source->family == Family::V4) {
      h.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
      cmsghdr* c = CMSG_FIRSTHDR(&h);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
      in_pktinfo info{};
      info.ipi_spec_dst.s_addr = htonl(source->v4_host_order());
      std::memcpy(CMSG_DATA(c), &info, sizeof info);
    } else {
      h.msg_controllen = CMSG_SPACE(sizeof(in6_pktinfo));
      cmsghdr* c = CMSG_FIRSTHDR(&h);
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
      in6_pktinfo info{};
      std::memcpy(&info.ipi6_addr, source->bytes.data(), 16);
      std::memcpy(CMSG_DATA(c), &info, sizeof info);
    }
    e.control_len = h.msg_controllen;
  }
  std::memcpy(arena_.data() + used_, bytes.data(), bytes.size());
  used_ += bytes.size();
  ++count_;
}

void SendQueue::prepare(size_t i) {
  const Entry& e = entries_[i];
  iov_[i] = iovec{arena_.data() + e.offset, e.size};
  msghdr& h = msgs_[i].msg_hdr;
  h.msg_namelen = e.to_len;
  h.msg_control = e.control_len > 0 ? control_[i].data() : nullptr;
  h.msg_controllen = e.control_len;
  h.msg_flags = 0;
}

uint64_t SendQueue::flush() {
  if (count_ == 0) return 0;
  for (size_t i = 0; i < count_; ++i) prepare(i);
  bool one_socket = true;
  for (size_t i = 1; i < count_ && one_socket; ++i) one_socket = entries_[i].fd == entries_[0].fd;
  uint64_t full = 0;
  size_t done = 0;
  if (!one_socket && uring_) {
    std::array<int, kMaxDatagrams> fds{};
    std::array<msghdr*, kMaxDatagrams> hdrs{};
    for (size_t i = 0; i < count_; ++i) {
      fds[i] = entries_[i].fd;
      hdrs[i] = &msgs_[i].msg_hdr;
    }
    const auto r = uring_->send(fds.data(), hdrs.data(), count_);
    full += r.full;
    done = r.submitted;
    if (r.broken) uring_.reset();  // from now on sendmmsg per socket
  }
  full += send_runs_from(done);
  count_ = 0;
  used_ = 0;
  return full;
}

// One sendmmsg per run of datagrams on the same socket, from entry `first` on.
uint64_t SendQueue::send_runs_from(size_t first) {
  uint64_t full = 0;
  size_t i = first;
  while (i < count_) {
    size_t end = i + 1;
    while (end < count_ && entries_[end].fd == entries_[i].fd) ++end;
    full += send_mmsg(i, end - i);
    i = end;
  }
  return full;
}

uint64_t SendQueue::send_mmsg(size_t first, size_t n) {
  uint64_t full = 0;
  const int fd = entries_[first].fd;
  size_t at = first;
  const size_t end = first + n;
  while (at < end) {
    const int sent = ::sendmmsg(fd, &msgs_[at], static_cast<unsigned>(end - at), MSG_DONTWAIT);
    if (sent > 0) {
      at += static_cast<size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    // The datagram at `at` failed: UDP drops it, as the network would; the rest go on.
    if (sent < 0 && send_buffer_full(errno)) ++full;
    ++at;
  }
  return full;
}

}  // namespace avedge::net

#include "net/send_queue.hpp"

#include <netinet/udp.h>

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
  // AVEDGE_GSO=0: one send per datagram (to compare, or where GSO misbehaves).
  const char* env = std::getenv("AVEDGE_GSO");
  gso_ = env == nullptr || std::string_view(env) != "0";
}

namespace {
// FNV-1a over a few bytes: the flow hash of an entry.
uint64_t fnv(uint64_t h, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}
}  // namespace

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
  uint64_t flow = fnv(0xcbf29ce484222325ULL, &fd, sizeof fd);
  flow = fnv(flow, &to_[count_], e.to_len);
  e.flow = fnv(flow, control_[count_].data(), e.control_len);
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

bool SendQueue::same_flow(size_t a, size_t b) const {
  const Entry& x = entries_[a];
  const Entry& y = entries_[b];
  return x.flow == y.flow && x.fd == y.fd && x.to_len == y.to_len &&
         x.control_len == y.control_len && std::memcmp(&to_[a], &to_[b], x.to_len) == 0 &&
         std::memcmp(control_[a].data(), control_[b].data(), x.control_len) == 0;
}

// Groups the queued datagrams into units, one send each. With GSO a unit takes, in queue
// order, the datagrams of its first datagram's flow while they have its size; a shorter one
// ends the unit as its last segment, a longer one ends it and starts the next. So datagrams of
// one flow leave in the order they were queued; only different flows may overtake each other.
size_t SendQueue::build_units() {
  std::array<bool, kMaxDatagrams> taken{};
  size_t units = 0;
  size_t slot = 0;
  for (size_t i = 0; i < count_; ++i) {
    if (taken[i]) continue;
    const size_t start = slot;
    const size_t segment = entries_[i].size;
    size_t bytes = segment;
    members_[slot++] = i;
    const bool can_grow = gso_ && segment > 0 && segment <= kMaxSegmentBytes;
    for (size_t j = i + 1; can_grow && j < count_; ++j) {
      if (taken[j] || !same_flow(i, j)) continue;
      const size_t size = entries_[j].size;
      // UDP GSO (Linux udp_send_skb): all segments but the last of one size, at most
      // kMaxSegments, one UDP length field in all.
      if (size == 0 || size > segment || slot - start == kMaxSegments ||
          bytes + size > kMaxGsoBytes) {
        break;
      }
      taken[j] = true;
      members_[slot++] = j;
      bytes += size;
      if (size < segment) break;
    }
    compose_unit(units++, start, slot - start, segment);
  }
  return units;
}

void SendQueue::compose_unit(size_t u, size_t start, size_t count, size_t segment) {
  unit_[u] = Unit{start, count};
  if (count == 1) {
    unit_msgs_[u] = msgs_[members_[start]];
    return;
  }
  coalesced_ += count;
  const size_t first = members_[start];
  for (size_t k = 0; k < count; ++k) {
    const Entry& e = entries_[members_[start + k]];
    unit_iov_[start + k] = iovec{arena_.data() + e.offset, e.size};
  }
  const Entry& e = entries_[first];
  // The segment size, after the datagram's own source (Linux's UDP_SEGMENT, udp(7)).
  auto* c = reinterpret_cast<cmsghdr*>(control_[first].data() + e.control_len);
  c->cmsg_level = SOL_UDP;
  c->cmsg_type = UDP_SEGMENT;
  c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
  const auto size = static_cast<uint16_t>(segment);
  std::memcpy(CMSG_DATA(c), &size, sizeof size);
  msghdr& h = unit_msgs_[u].msg_hdr;
  h.msg_name = &to_[first];
  h.msg_namelen = e.to_len;
  h.msg_iov = &unit_iov_[start];
  h.msg_iovlen = count;
  h.msg_control = control_[first].data();
  h.msg_controllen = e.control_len + CMSG_SPACE(sizeof(uint16_t));
  h.msg_flags = 0;
}

uint64_t SendQueue::flush() {
  if (count_ == 0) return 0;
  for (size_t i = 0; i < count_; ++i) prepare(i);
  units_ = build_units();
  bool one_socket = true;
  for (size_t i = 1; i < count_ && one_socket; ++i) one_socket = entries_[i].fd == entries_[0].fd;
  uint64_t full = 0;
  size_t done = 0;
  if (!one_socket && uring_) {
    std::array<int, kMaxDatagrams> fds{};
    std::array<msghdr*, kMaxDatagrams> hdrs{};
    std::array<int, kMaxDatagrams> results{};
    for (size_t u = 0; u < units_; ++u) {
      fds[u] = entries_[members_[unit_[u].start]].fd;
      hdrs[u] = &unit_msgs_[u].msg_hdr;
    }
    const auto r = uring_->send(fds.data(), hdrs.data(), units_, results.data());
    done = r.submitted;
    for (size_t u = 0; u < done; ++u) {
      if (results[u] < 0) full += unit_failed(u, -results[u]);
    }
    if (r.broken) uring_.reset();  // from now on sendmmsg per socket
  }
  full += send_units_from(done);
  count_ = 0;
  used_ = 0;
  units_ = 0;
  return full;
}

// One sendmmsg per run of units on the same socket, from unit `first` on.
uint64_t SendQueue::send_units_from(size_t first) {
  uint64_t full = 0;
  size_t u = first;
  while (u < units_) {
    const int fd = entries_[members_[unit_[u].start]].fd;
    size_t end = u + 1;
    while (end < units_ && entries_[members_[unit_[end].start]].fd == fd) ++end;
    full += send_mmsg(u, end - u);
    u = end;
  }
  return full;
}

uint64_t SendQueue::send_mmsg(size_t first, size_t n) {
  uint64_t full = 0;
  const int fd = entries_[members_[unit_[first].start]].fd;
  size_t at = first;
  const size_t end = first + n;
  while (at < end) {
    const int sent = ::sendmmsg(fd, &unit_msgs_[at], static_cast<unsigned>(end - at), MSG_DONTWAIT);
    if (sent > 0) {
      at += static_cast<size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    // The unit at `at` failed: UDP drops it, as the network would; the rest go on.
    if (sent < 0) full += unit_failed(at, errno);
    ++at;
  }
  return full;
}

// A unit's send failed with `err`: returns the datagrams dropped for a full send buffer. A GSO
// unit refused for another reason (a kernel, route or socket without UDP GSO: EINVAL, EIO) is
// sent one datagram at a time; when those go through, GSO was the problem, and after a few
// such refusals it is off for good.
uint64_t SendQueue::unit_failed(size_t u, int err) {
  const Unit& unit = unit_[u];
  if (send_buffer_full(err)) return unit.count;
  if (unit.count == 1) return 0;
  uint64_t full = 0;
  bool went_through = false;
  for (size_t k = 0; k < unit.count; ++k) {
    const size_t i = members_[unit.start + k];
    if (::sendmsg(entries_[i].fd, &msgs_[i].msg_hdr, MSG_DONTWAIT) >= 0) {
      went_through = true;
    } else if (send_buffer_full(errno)) {
      ++full;
    }
  }
  if (went_through && ++gso_refusals_ >= kGsoRefusalsBeforeOff) gso_ = false;
  return full;
}

}  // namespace avedge::net

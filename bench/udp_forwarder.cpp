// The bare UDP forwarder of the benchmark (issue 7): the ceiling for any userspace relay on this
// kernel. One socket, recvmmsg/sendmmsg batches, no protocol: a datagram from a client goes to
// the peer unchanged; a datagram from the peer goes to the client whose session index its
// `avedge bench` stamp carries (bytes 16-19), learned from that client's own packets.
//
//   udp_forwarder LISTEN_IP:PORT PEER_IP:PORT
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr unsigned kBatch = 64;
constexpr size_t kSize = 2048;
constexpr size_t kIndexAt = 16;  // session index in the bench stamp
volatile std::sig_atomic_t g_stop = 0;

bool parse(const char* text, sockaddr_in& out) {
  const std::string s(text);
  const size_t colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  out = sockaddr_in{};
  out.sin_family = AF_INET;
  out.sin_port = htons(static_cast<uint16_t>(std::stoi(s.substr(colon + 1))));
  return inet_pton(AF_INET, s.substr(0, colon).c_str(), &out.sin_addr) == 1;
}

bool same(const sockaddr_in& a, const sockaddr_in& b) {
  return a.sin_port == b.sin_port && a.sin_addr.s_addr == b.sin_addr.s_addr;
}

}  // namespace

int main(int argc, char** argv) {
  sockaddr_in listen_at{};
  sockaddr_in peer{};
  if (argc != 3 || !parse(argv[1], listen_at) || !parse(argv[2], peer)) {
    std::fprintf(stderr, "usage: udp_forwarder LISTEN_IP:PORT PEER_IP:PORT\n");
    return 2;
  }
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  std::signal(SIGINT, [](int) { g_stop = 1; });
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  const int buf = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof buf);
  if (bind(fd, reinterpret_cast<sockaddr*>(&listen_at), sizeof listen_at) != 0) {
    std::perror("bind");
    return 1;
  }
  timeval tv{0, 200'000};  // wake up to notice SIGTERM
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::printf("udp_forwarder: ready\n");
  std::fflush(stdout);

  std::vector<sockaddr_in> clients;  // by session index
  static std::array<std::array<uint8_t, kSize>, kBatch> bufs{};
  std::array<iovec, kBatch> iov{};
  std::array<mmsghdr, kBatch> in{};
  std::array<mmsghdr, kBatch> out{};
  std::array<sockaddr_in, kBatch> from{};
  std::array<sockaddr_in, kBatch> to{};
  uint64_t forwarded = 0;
  while (g_stop == 0) {
    for (unsigned i = 0; i < kBatch; ++i) {
      iov[i] = iovec{bufs[i].data(), kSize};
      in[i] = mmsghdr{};
      in[i].msg_hdr.msg_iov = &iov[i];
      in[i].msg_hdr.msg_iovlen = 1;
      in[i].msg_hdr.msg_name = &from[i];
      in[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
    }
    const int n = recvmmsg(fd, in.data(), kBatch, MSG_WAITFORONE, nullptr);
    if (n <= 0) continue;
    unsigned k = 0;
    for (int j = 0; j < n; ++j) {
      const auto i = static_cast<unsigned>(j);
      const size_t len = in[i].msg_len;
      if (len < kIndexAt + 4) continue;
      uint32_t index = 0;
      std::memcpy(&index, bufs[i].data() + kIndexAt, 4);
      if (same(from[i], peer)) {
        if (index >= clients.size() || clients[index].sin_port == 0) continue;
        to[k] = clients[index];
      } else {
        if (index < 1'000'000) {
          if (index >= clients.size()) clients.resize(index + 1);
          clients[index] = from[i];
        }
        to[k] = peer;
      }
      iov[i].iov_len = len;
      out[k] = mmsghdr{};
      out[k].msg_hdr.msg_iov = &iov[i];
      out[k].msg_hdr.msg_iovlen = 1;
      out[k].msg_hdr.msg_name = &to[k];
      out[k].msg_hdr.msg_namelen = sizeof(sockaddr_in);
      ++k;
    }
    if (k > 0) {
      const int sent = sendmmsg(fd, out.data(), k, 0);
      if (sent > 0) forwarded += static_cast<uint64_t>(sent);
    }
  }
  std::printf("udp_forwarder: forwarded %llu\n", static_cast<unsigned long long>(forwarded));
  close(fd);
  return 0;
}

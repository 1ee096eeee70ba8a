#include "net/descriptor_table.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

namespace avedge::net {

DescriptorTable reserve_descriptors(uint64_t need) {
  DescriptorTable t;
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return t;
  t.soft_limit_before = rl.rlim_cur;
  t.hard_limit = rl.rlim_max;
  if (rl.rlim_cur < need && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = std::min<rlim_t>(need, rl.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) getrlimit(RLIMIT_NOFILE, &rl);
  }
  t.soft_limit = rl.rlim_cur;
  const uint64_t target = std::min<uint64_t>(need, rl.rlim_cur);
  if (target < 2) return t;
  // A descriptor at number target - 1 makes the kernel size the table for target entries;
  // closed again at once, the table keeps its size.
  const int any = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (any < 0) return t;
  const int high = ::fcntl(any, F_DUPFD_CLOEXEC, static_cast<int>(target - 1));
  if (high >= 0) {
    t.reserved = target;
    ::close(high);
  }
  ::close(any);
  return t;
}

}  // namespace avedge::net

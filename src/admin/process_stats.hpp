// The process's own resource use for /metrics: CPU time (getrusage(2)), resident memory
// (/proc/self/statm, proc(5)) and open file descriptors (/proc/self/fd).
#pragma once

#include <cstdint>

namespace avedge::admin {

struct ProcessStats {
  double cpu_seconds = 0;  // user + system
  uint64_t resident_bytes = 0;
  uint64_t open_fds = 0;
};

ProcessStats read_process_stats();

}  // namespace avedge::admin

// The process's file-descriptor table, sized once at start for the relay sockets (issue 7).
//
// Linux grows a process's descriptor table by doubling it when a new descriptor does not fit;
// in a process with more than one thread each growth waits for an RCU grace period
// (fs/file.c, expand_fdtable), measured here at 7-15 ms. A worker that opens the 257th,
// 513th, 1025th... relay socket stalls that long and relays nothing meanwhile: a cold edge
// setting up 2000 allocations lost about 45 ms to it. Grown once, before any thread starts,
// the table costs no grace period at all and never grows again while relaying.
#pragma once

#include <cstdint>

namespace avedge::net {

struct DescriptorTable {
  uint64_t soft_limit_before = 0;  // RLIMIT_NOFILE soft limit as found
  uint64_t soft_limit = 0;         // after raising it (at most the hard limit)
  uint64_t hard_limit = 0;
  uint64_t reserved = 0;  // descriptors the table holds without growing
};

// Raises the soft RLIMIT_NOFILE to `need` if it is lower (never above the hard limit), then
// grows the descriptor table to min(need, soft limit) entries. Call before starting threads.
DescriptorTable reserve_descriptors(uint64_t need);

}  // namespace avedge::net

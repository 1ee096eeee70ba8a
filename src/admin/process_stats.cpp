#include "admin/process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace avedge::admin {

ProcessStats read_process_stats() {
  ProcessStats p;
  rusage ru{};
  if (::getrusage(RUSAGE_SELF, &ru) == 0) {
    p.cpu_seconds = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                    static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  }
  // statm: size resident shared text lib data dt, in pages.
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0;
  uint64_t resident = 0;
  if (statm >> size >> resident) {
    p.resident_bytes = resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  }
  std::error_code ec;
  uint64_t n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++n;
  }
  // The directory listing holds its own descriptor while it runs.
  p.open_fds = n > 0 ? n - 1 : 0;
  return p;
}

}  // namespace avedge::admin

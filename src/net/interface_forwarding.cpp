#include "net/interface_forwarding.hpp"

#include <fstream>
#include <string>

#include <fmt/format.h>

namespace avedge::net {

std::optional<bool> interface_forwards(std::string_view interface, Family family) {
  std::ifstream f(fmt::format("/proc/sys/net/{}/conf/{}/forwarding",
                              family == Family::V4 ? "ipv4" : "ipv6", interface));
  char c = 0;
  if (!(f >> c)) return std::nullopt;
  return c != '0';
}

}  // namespace avedge::net

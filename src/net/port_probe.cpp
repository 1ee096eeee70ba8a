#include "net/port_probe.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "core/port_probe.hpp"

namespace avedge::net {

void refuse_if_port_taken(const config::Listener& l) {
  const bool udp = l.kind == config::ListenerKind::Udp;
  if (!port_taken(l.endpoint, udp)) return;
  throw std::runtime_error(fmt::format("{}: listen \"{}\": cannot bind: {}", l.where.to_string(),
                                       l.url(), port_taken_message(l.endpoint, udp)));
}

}  // namespace avedge::net

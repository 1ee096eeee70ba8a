// Conversions between avedge::Endpoint and asio endpoints.
#pragma once

#include <asio.hpp>

#include "core/address.hpp"

namespace avedge::net {

template <typename AsioEndpoint>
AsioEndpoint to_asio(const Endpoint& e) {
  sockaddr_storage ss{};
  const unsigned len = e.to_sockaddr(ss);
  AsioEndpoint out;
  out.resize(len);
  std::memcpy(out.data(), &ss, len);
  return out;
}

template <typename AsioEndpoint>
Endpoint from_asio(const AsioEndpoint& e) {
  auto r = Endpoint::from_sockaddr(e.data());
  return r ? *r : Endpoint{};
}

}  // namespace avedge::net

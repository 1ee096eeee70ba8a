// The probe's UDP echo peer (RFC 8656 §2: the peer a client relays to). The probe drives it in
// step with the TURN client, so no thread is needed: it waits for what the relay forwards and
// answers to the relayed address.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/address.hpp"

namespace avedge::probe {

class EchoPeer {
 public:
  // Binds ip:0; error set when the socket cannot be opened.
  EchoPeer(const IpAddress& ip, std::string& error);
  ~EchoPeer();
  EchoPeer(const EchoPeer&) = delete;
  EchoPeer& operator=(const EchoPeer&) = delete;

  [[nodiscard]] const Endpoint& address() const { return address_; }
  // One datagram and its source, waiting at most timeout_ms.
  std::optional<std::pair<Endpoint, std::vector<uint8_t>>> receive(int timeout_ms);
  bool send_to(const Endpoint& to, std::span<const uint8_t> data);

 private:
  int fd_ = -1;
  Endpoint address_;
};

}  // namespace avedge::probe

// A small blocking TURN client (RFC 8656) over UDP, TCP or TLS for `avedge probe` and
// `avedge check --live`: Binding, Allocate with the long-term credential mechanism (RFC 8489
// §9.2, MD5 key), CreatePermission, ChannelBind, Send/Data, ChannelData and Refresh. Messages are
// built and parsed by the wire layer; nothing here knows the server's code.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "probe/stream.hpp"
#include "wire/stun_builder.hpp"
#include "wire/stun_message.hpp"

namespace avedge::probe {

enum class Proto : uint8_t { Udp, Tcp, Tls };
const char* name(Proto p);        // "udp", "tcp", "tls"
const char* upper_name(Proto p);  // "UDP", "TCP", "TLS"

// What one STUN transaction produced.
struct StunResult {
  enum class Status : uint8_t { Success, Error, Timeout, TransportError };
  Status status = Status::Timeout;
  uint16_t code = 0;                // ERROR-CODE of an error response
  std::string reason;               // its reason phrase
  std::optional<Endpoint> mapped;   // XOR-MAPPED-ADDRESS
  std::optional<Endpoint> relayed;  // XOR-RELAYED-ADDRESS
  std::optional<uint32_t> lifetime;
  std::string detail;  // transport error text
  [[nodiscard]] bool ok() const { return status == Status::Success; }
};

// Data that came back from the peer through the relay.
struct Incoming {
  bool via_channel = false;
  uint16_t channel = 0;
  std::optional<Endpoint> peer;  // Data indication XOR-PEER-ADDRESS
  std::vector<uint8_t> data;
};

class TurnClient {
 public:
  // Connects (TCP, TLS handshake) or opens a UDP socket; nullptr and error set on failure.
  static std::unique_ptr<TurnClient> open(Proto proto, const Endpoint& server,
                                          const TlsOptions& tls, int timeout_ms,
                                          std::string& error);
  ~TurnClient();
  TurnClient(const TurnClient&) = delete;
  TurnClient& operator=(const TurnClient&) = delete;

  void set_credentials(std::string username, std::string password);
  StunResult binding();
  // Allocate for a UDP relay: unauthenticated first; on 401 takes REALM and NONCE and repeats
  // with MESSAGE-INTEGRITY. challenge() holds the first answer.
  StunResult allocate();
  [[nodiscard]] const StunResult& challenge() const { return challenge_; }
  [[nodiscard]] const std::string& realm() const { return realm_; }
  StunResult create_permission(const IpAddress& peer);
  StunResult channel_bind(uint16_t channel, const Endpoint& peer);
  StunResult refresh(uint32_t lifetime);
  bool send_indication(const Endpoint& peer, std::span<const uint8_t> data);
  bool send_channel_data(uint16_t channel, std::span<const uint8_t> data);
  // Waits for a Data indication or ChannelData; nullopt on timeout.
  std::optional<Incoming> receive_data(int timeout_ms);
  [[nodiscard]] const Endpoint& local() const { return local_; }

 private:
  TurnClient() = default;
  bool send(std::span<const uint8_t> bytes);
  // The next whole message (datagram or stream frame), nullopt on timeout or error.
  std::optional<std::vector<uint8_t>> receive(int timeout_ms);
  // Sends the request built by `build` and waits for its answer; UDP retransmits (RFC 8489
  // §6.2.1, RTO 500 ms doubling). With auth, adds the credential and repeats once on 438.
  StunResult transact(uint16_t method, bool auth, const std::function<void(stun::Builder&)>& attrs);

  Proto proto_ = Proto::Udp;
  int udp_fd_ = -1;
  Endpoint server_;
  Endpoint local_;
  std::unique_ptr<Stream> stream_;
  std::vector<uint8_t> stream_buf_;
  int timeout_ms_ = 3000;
  std::string username_;
  std::string password_;
  std::string realm_;
  std::string nonce_;
  StunResult challenge_;
  std::string last_error_;
};

}  // namespace avedge::probe

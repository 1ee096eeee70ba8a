// One allocation of the load generator, as a client state machine (RFC 8656 §7, §11, §12):
// Allocate → 401 → authenticated Allocate → ChannelBind (or CreatePermission for Send
// indications) → ready; Refresh keeps it, Refresh with lifetime 0 ends it. Pure: bytes in,
// bytes out, so it is tested without sockets.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "auth/credentials.hpp"
#include "core/address.hpp"
#include "wire/stun_message.hpp"

namespace avedge::bench {

class TurnHandshake {
 public:
  enum class State : uint8_t {
    Idle,
    WaitChallenge,  // unauthenticated Allocate sent
    WaitAllocate,   // authenticated Allocate sent
    WaitBind,       // ChannelBind or CreatePermission sent
    Ready,
    WaitRefresh,  // Refresh sent while ready (lifetime > 0)
    WaitDelete,   // Refresh with lifetime 0 sent
    Closed,
    Failed,
  };

  // channel: 0x4000-0x4FFF for ChannelData, 0 for Send indications (CreatePermission only).
  TurnHandshake(std::string username, std::string password, const Endpoint& peer, uint16_t channel);

  std::span<const uint8_t> start();  // the unauthenticated Allocate
  // A STUN message that arrived on this session's socket. Returns the next request to send
  // (empty when none). Responses to other transactions are ignored.
  std::span<const uint8_t> on_message(std::span<const uint8_t> bytes);
  std::span<const uint8_t> refresh(uint32_t lifetime);  // 0: deallocate
  // The request in flight, for a retransmission (RFC 8489 §6.2.1); empty when none.
  [[nodiscard]] std::span<const uint8_t> in_flight() const;
  // No answer in time: the session fails with `why`.
  void give_up(std::string why) { (void)fail(std::move(why)); }

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] bool waiting() const;
  [[nodiscard]] const Endpoint& relay() const { return relay_; }
  [[nodiscard]] uint32_t lifetime() const { return lifetime_; }
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  std::span<const uint8_t> allocate(bool authenticated);
  std::span<const uint8_t> bind();
  // Builds a request of `method` into buf_ with a fresh transaction id; `body` adds the
  // attributes before the credentials (USERNAME, REALM, NONCE, MESSAGE-INTEGRITY when known).
  template <typename Body>
  std::span<const uint8_t> request(uint16_t method, bool authenticated, Body body);
  std::span<const uint8_t> fail(std::string why);

  std::string username_;
  std::string password_;
  Endpoint peer_;
  uint16_t channel_;
  std::string realm_;
  std::string nonce_;
  auth::LongTermKey key_{};
  stun::TransactionId tid_{};
  std::array<uint8_t, 512> buf_{};
  size_t len_ = 0;
  State state_ = State::Idle;
  State retry_state_ = State::Idle;  // what a 438 repeats
  uint32_t requested_lifetime_ = 0;
  Endpoint relay_;
  uint32_t lifetime_ = 0;
  std::string error_;
};

const char* to_string(TurnHandshake::State s);

}  // namespace avedge::bench

#include "bench/turn_handshake.hpp"

#include "core/crypto.hpp"
#include "wire/stun_builder.hpp"
#include "wire/stun_constants.hpp"

namespace avedge::bench {

namespace {
constexpr uint8_t kUdp = 17;  // REQUESTED-TRANSPORT (RFC 8656 §14.7)
}

TurnHandshake::TurnHandshake(std::string username, std::string password, const Endpoint& peer,
                             uint16_t channel)
    : username_(std::move(username)),
      password_(std::move(password)),
      peer_(peer),
      channel_(channel) {}

template <typename Body>
std::span<const uint8_t> TurnHandshake::request(uint16_t method, bool authenticated, Body body) {
  crypto::random_bytes(tid_);
  stun::Builder b(buf_, method, stun::Class::Request, tid_);
  body(b);
  if (authenticated) {
    // RFC 8489 §9.2.4: USERNAME, REALM, NONCE, then MESSAGE-INTEGRITY over the long-term key.
    b.add_string(stun::attr::Username, username_);
    b.add_string(stun::attr::Realm, realm_);
    b.add_string(stun::attr::Nonce, nonce_);
    b.add_message_integrity(key_.md5);
  }
  len_ = b.ok() ? b.size() : 0;
  return {buf_.data(), len_};
}

std::span<const uint8_t> TurnHandshake::start() {
  return allocate(false);
}

std::span<const uint8_t> TurnHandshake::allocate(bool authenticated) {
  state_ = authenticated ? State::WaitAllocate : State::WaitChallenge;
  return request(stun::method::Allocate, authenticated, [&](stun::Builder& b) {
    b.add_requested_transport(kUdp);
    // RFC 8656 §7.1: a relayed address of the peer's family; IPv4 is the default.
    if (!peer_.ip.is_v4())
      b.add_address_family(stun::attr::RequestedAddressFamily, stun::kFamilyV6);
  });
}

std::span<const uint8_t> TurnHandshake::bind() {
  state_ = State::WaitBind;
  if (channel_ != 0) {
    return request(stun::method::ChannelBind, true, [&](stun::Builder& b) {
      b.add_channel_number(channel_);
      b.add_xor_address(stun::attr::XorPeerAddress, peer_);
    });
  }
  return request(stun::method::CreatePermission, true,
                 [&](stun::Builder& b) { b.add_xor_address(stun::attr::XorPeerAddress, peer_); });
}

std::span<const uint8_t> TurnHandshake::refresh(uint32_t lifetime) {
  requested_lifetime_ = lifetime;
  state_ = lifetime == 0 ? State::WaitDelete : State::WaitRefresh;
  return request(stun::method::Refresh, true,
                 [&](stun::Builder& b) { b.add_u32(stun::attr::Lifetime, lifetime); });
}

std::span<const uint8_t> TurnHandshake::in_flight() const {
  return waiting() ? std::span<const uint8_t>(buf_.data(), len_) : std::span<const uint8_t>{};
}

bool TurnHandshake::waiting() const {
  switch (state_) {
    case State::WaitChallenge:
    case State::WaitAllocate:
    case State::WaitBind:
    case State::WaitRefresh:
    case State::WaitDelete:
      return true;
    default:
      return false;
  }
}

std::span<const uint8_t> TurnHandshake::fail(std::string why) {
  error_ = std::move(why);
  state_ = State::Failed;
  return {};
}

std::span<const uint8_t> TurnHandshake::on_message(std::span<const uint8_t> bytes) {
  stun::Message m;
  if (!waiting() || stun::parse(bytes, m) != stun::ParseError::None || m.tid != tid_ ||
      m.cls == stun::Class::Request || m.cls == stun::Class::Indication) {
    return {};
  }
  if (m.cls == stun::Class::Error) {
    const stun::Attribute* ec = m.find(stun::attr::ErrorCode);
    const auto code = ec != nullptr ? stun::decode_error_code(*ec) : std::nullopt;
    const uint16_t number = code ? code->code : 0;
    const auto* realm = m.find(stun::attr::Realm);
    const auto* nonce = m.find(stun::attr::Nonce);
    const bool challenge =
        (number == stun::error::Unauthenticated && state_ == State::WaitChallenge) ||
        number == stun::error::StaleNonce;
    if (challenge && realm != nullptr && nonce != nullptr) {
      // RFC 8489 §9.2.3 / §9.2.4: take REALM and NONCE, retry with credentials.
      realm_ = std::string(stun::decode_string(*realm));
      nonce_ = std::string(stun::decode_string(*nonce));
      key_ = auth::make_long_term_key(username_, realm_, password_);
      switch (state_) {
        case State::WaitChallenge:
        case State::WaitAllocate:
          return allocate(true);
        case State::WaitBind:
          return bind();
        case State::WaitRefresh:
        case State::WaitDelete:
          return refresh(requested_lifetime_);
        default:
          return {};
      }
    }
    if (state_ == State::WaitDelete && number == stun::error::AllocationMismatch) {
      state_ = State::Closed;  // already gone
      return {};
    }
    return fail(code ? std::to_string(number) + " " + std::string(code->reason)
                     : std::string("error response without ERROR-CODE"));
  }
  // Success response.
  switch (state_) {
    case State::WaitAllocate: {
      const auto* r = m.find(stun::attr::XorRelayedAddress);
      const auto relay = r != nullptr ? stun::decode_xor_address(*r, m.tid) : std::nullopt;
      if (!relay) return fail("Allocate success without XOR-RELAYED-ADDRESS");
      relay_ = *relay;
      const auto* lt = m.find(stun::attr::Lifetime);
      lifetime_ = lt != nullptr ? stun::decode_u32(*lt).value_or(600) : 600;
      return bind();
    }
    case State::WaitBind:
    case State::WaitRefresh:
      state_ = State::Ready;
      return {};
    case State::WaitDelete:
      state_ = State::Closed;
      return {};
    default:
      return {};
  }
}

const char* to_string(TurnHandshake::State s) {
  switch (s) {
    case TurnHandshake::State::Idle:
      return "idle";
    case TurnHandshake::State::WaitChallenge:
      return "allocate (challenge)";
    case TurnHandshake::State::WaitAllocate:
      return "allocate";
    case TurnHandshake::State::WaitBind:
      return "bind";
    case TurnHandshake::State::Ready:
      return "ready";
    case TurnHandshake::State::WaitRefresh:
      return "refresh";
    case TurnHandshake::State::WaitDelete:
      return "deallocate";
    case TurnHandshake::State::Closed:
      return "closed";
    case TurnHandshake::State::Failed:
      return "failed";
  }
  return "?";
}

}  // namespace avedge::bench

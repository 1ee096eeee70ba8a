// Building STUN messages into a caller-provided buffer. Every padding byte is written as
// zero (coturn CVE-2020-4067, CVE-2026-104074); nothing is read from the buffer before it
// is written. On overflow the builder stops writing and ok() turns false.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/address.hpp"
#include "wire/stun_message.hpp"

namespace avedge::stun {

class Builder {
 public:
  Builder(std::span<uint8_t> buf, uint16_t method, Class cls, const TransactionId& tid);

  Builder& add(uint16_t type, std::span<const uint8_t> value);
  Builder& add_string(uint16_t type, std::string_view value);
  Builder& add_u32(uint16_t type, uint32_t value);
  Builder& add_empty(uint16_t type);
  Builder& add_xor_address(uint16_t type, const Endpoint& ep);
  Builder& add_address(uint16_t type,
                       const Endpoint& ep);  // plain (MAPPED-ADDRESS, ALTERNATE-SERVER)
  // reason may be empty: RFC 8489 §14.8 allows an empty reason phrase (smaller 401s).
  Builder& add_error_code(uint16_t code, std::string_view reason);
  Builder& add_unknown_attributes(std::span<const uint16_t> types);
  Builder& add_requested_transport(uint8_t protocol);
  Builder& add_address_family(uint16_t type, uint8_t family);
  Builder& add_channel_number(uint16_t channel);
  Builder& add_password_algorithms(std::span<const uint16_t> algorithms);  // no parameters
  Builder& add_password_algorithm(uint16_t algorithm);

  // These three go last, in this order (RFC 8489 §14.5-§14.7).
  Builder& add_message_integrity(std::span<const uint8_t> key);
  Builder& add_message_integrity_sha256(std::span<const uint8_t> key);
  Builder& add_fingerprint();

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] size_t size() const { return len_; }
  [[nodiscard]] std::span<const uint8_t> bytes() const { return {buf_.data(), len_}; }

 private:
  uint8_t* reserve(uint16_t type, size_t value_len);  // writes header + zero pad, updates length
  void set_length(size_t body_len);

  std::span<uint8_t> buf_;
  TransactionId tid_;
  size_t len_ = 0;
  bool ok_ = true;
};

}  // namespace avedge::stun

// STUN (RFC 8489) and TURN (RFC 8656) numbers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace avedge::stun {

constexpr uint32_t kMagicCookie = 0x2112A442;     // RFC 8489 §5
constexpr uint32_t kFingerprintXor = 0x5354554e;  // RFC 8489 §14.7
constexpr size_t kHeaderSize = 20;
constexpr size_t kMaxAttributes = 40;  // more in one message is treated as malformed

enum class Class : uint8_t { Request = 0, Indication = 1, Success = 2, Error = 3 };

namespace method {
constexpr uint16_t Binding = 0x001;
constexpr uint16_t Allocate = 0x003;  // RFC 8656 §18
constexpr uint16_t Refresh = 0x004;
constexpr uint16_t Send = 0x006;
constexpr uint16_t Data = 0x007;
constexpr uint16_t CreatePermission = 0x008;
constexpr uint16_t ChannelBind = 0x009;
}  // namespace method

namespace attr {
// Comprehension-required (0x0000-0x7FFF)
constexpr uint16_t MappedAddress = 0x0001;
constexpr uint16_t Username = 0x0006;
constexpr uint16_t MessageIntegrity = 0x0008;
constexpr uint16_t ErrorCode = 0x0009;
constexpr uint16_t UnknownAttributes = 0x000A;
constexpr uint16_t ChannelNumber = 0x000C;
constexpr uint16_t Lifetime = 0x000D;
constexpr uint16_t XorPeerAddress = 0x0012;
constexpr uint16_t Data = 0x0013;
constexpr uint16_t Realm = 0x0014;
constexpr uint16_t Nonce = 0x0015;
constexpr uint16_t XorRelayedAddress = 0x0016;
constexpr uint16_t RequestedAddressFamily = 0x0017;
constexpr uint16_t EvenPort = 0x0018;
constexpr uint16_t RequestedTransport = 0x0019;
constexpr uint16_t DontFragment = 0x001A;
constexpr uint16_t MessageIntegritySha256 = 0x001C;
constexpr uint16_t PasswordAlgorithm = 0x001D;
constexpr uint16_t Userhash = 0x001E;
constexpr uint16_t XorMappedAddress = 0x0020;
constexpr uint16_t ReservationToken = 0x0022;
constexpr uint16_t Priority = 0x0024;      // RFC 8445
constexpr uint16_t UseCandidate = 0x0025;  // RFC 8445
// Comprehension-optional (0x8000-0xFFFF)
constexpr uint16_t AdditionalAddressFamily = 0x8000;
constexpr uint16_t AddressErrorCode = 0x8001;
constexpr uint16_t PasswordAlgorithms = 0x8002;
constexpr uint16_t AlternateDomain = 0x8003;
constexpr uint16_t Icmp = 0x8004;
constexpr uint16_t Software = 0x8022;
constexpr uint16_t AlternateServer = 0x8023;
constexpr uint16_t Fingerprint = 0x8028;
constexpr uint16_t IceControlled = 0x8029;
constexpr uint16_t IceControlling = 0x802A;

constexpr bool comprehension_required(uint16_t type) {
  return type < 0x8000;
}
}  // namespace attr

// ERROR-CODE values (RFC 8489 §14.8, RFC 8656 §19).
namespace error {
constexpr uint16_t TryAlternate = 300;
constexpr uint16_t BadRequest = 400;
constexpr uint16_t Unauthenticated = 401;
constexpr uint16_t Forbidden = 403;
constexpr uint16_t UnknownAttribute = 420;
constexpr uint16_t AllocationMismatch = 437;
constexpr uint16_t StaleNonce = 438;
constexpr uint16_t AddressFamilyNotSupported = 440;
constexpr uint16_t WrongCredentials = 441;
constexpr uint16_t UnsupportedTransportProtocol = 442;
constexpr uint16_t PeerAddressFamilyMismatch = 443;
constexpr uint16_t AllocationQuotaReached = 486;
constexpr uint16_t ServerError = 500;
constexpr uint16_t InsufficientCapacity = 508;

// Reason phrases from the RFCs; compile-time constants only (CVE-2026-104074).
const char* default_reason(uint16_t code);
}  // namespace error

// Address family codes inside address attributes and REQUESTED-ADDRESS-FAMILY.
constexpr uint8_t kFamilyV4 = 0x01;
constexpr uint8_t kFamilyV6 = 0x02;

// PASSWORD-ALGORITHM values (RFC 8489 §18.5).
constexpr uint16_t kAlgMd5 = 0x0001;
constexpr uint16_t kAlgSha256 = 0x0002;

// RFC 8656 §12: channel numbers 0x4000-0x4FFF. RFC 5766 §11 allowed up to 0x7FFF, and
// RFC 5766 clients still use that range (coturn 4.6's turnutils_uclient picks 0x6375); the
// wire layer accepts it and the server decides (ServerConfig::strict_channel_numbers).
constexpr uint16_t kChannelMin = 0x4000;
constexpr uint16_t kChannelMax = 0x4FFF;
constexpr uint16_t kChannelMaxRfc5766 = 0x7FFF;

// REQUESTED-TRANSPORT protocol number for UDP (RFC 8656 §18.11).
constexpr uint8_t kProtoUdp = 17;

}  // namespace avedge::stun

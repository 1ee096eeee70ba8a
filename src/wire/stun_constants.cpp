// Default ERROR-CODE reason phrases (RFC 8489 §14.8, RFC 8656 §19).
#include "wire/stun_constants.hpp"

namespace avedge::stun::error {

const char* default_reason(uint16_t code) {
  switch (code) {
    case TryAlternate:
      return "Try Alternate";
    case BadRequest:
      return "Bad Request";
    case Unauthenticated:
      return "Unauthenticated";
    case Forbidden:
      return "Forbidden";
    case UnknownAttribute:
      return "Unknown Attribute";
    case AllocationMismatch:
      return "Allocation Mismatch";
    case StaleNonce:
      return "Stale Nonce";
    case AddressFamilyNotSupported:
      return "Address Family not Supported";
    case WrongCredentials:
      return "Wrong Credentials";
    case UnsupportedTransportProtocol:
      return "Unsupported Transport Protocol";
    case PeerAddressFamilyMismatch:
      return "Peer Address Family Mismatch";
    case AllocationQuotaReached:
      return "Allocation Quota Reached";
    case ServerError:
      return "Server Error";
    case InsufficientCapacity:
      return "Insufficient Capacity";
    default:
      return "";
  }
}

}  // namespace avedge::stun::error
